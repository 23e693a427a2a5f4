import { z } from 'zod/v4';

/** An integer, also when a provider sends it as a digit string: the item always carries a number. */
export const integer = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number).pipe(z.number().int())]);

/** A finite number, also from a numeric string. */
export const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number).pipe(z.number())]);
