import type { z } from 'zod';

/**
 * The rows of a raw query, each read through its schema: a column renamed
 * or retyped in SQL fails here, naming the column, instead of travelling on
 * as a wrong type. (pg hands back plain objects, so every row is checked.)
 */
export function rowsOf<T>(row: z.ZodType<T>, result: unknown): T[] {
  if (!Array.isArray(result)) throw new TypeError(`expected the rows of a query, got ${typeof result}`);
  return result.map((value) => row.parse(value));
}

/**
 * How many rows an UPDATE or DELETE touched: TypeORM's Postgres driver
 * answers those with [rows, count].
 */
export function affectedCount(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  throw new TypeError('expected [rows, count] from an UPDATE or DELETE');
}
