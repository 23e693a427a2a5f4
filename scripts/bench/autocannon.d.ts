/** autocannon ships no types; the benchmark uses its callback API only. */
declare module 'autocannon';
