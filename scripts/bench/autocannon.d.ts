/** The part of autocannon (which ships no types) that the benchmark uses. */
declare module 'autocannon' {
	namespace autocannon {
		interface Result {
			requests: { average: number; total: number };
			latency: { p50: number; p99: number; average: number };
			errors: number;
			non2xx: number;
			timeouts: number;
			duration: number;
			[key: string]: unknown;
		}
	}
	function autocannon(options: Record<string, unknown>, callback: (err: Error | null, result: autocannon.Result) => void): { stop(): void; [key: string]: unknown };
	export = autocannon;
}
