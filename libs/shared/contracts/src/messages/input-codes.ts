import { z } from 'zod';
import { hasUnstorableCharacters } from '../text';

/*
 * How the Workflows API's input schemas carry their error codes: every
 * issue's message is the code a client receives (`url_required`,
 * `headers_too_many`, …), so one schema states the rule and its answer.
 */

export type ReadResult<T> = { ok: true; value: T } | { ok: false; codes: string[] };

/** Every code a value earns against the schema (each once, in the order found), or its output. */
export function readWith<S extends z.ZodType>(schema: S, body: unknown): ReadResult<z.output<S>> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, codes: [...new Set(parsed.error.issues.map((issue) => issue.message))] };
}

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Text with something in it, that Postgres and UTF-8 can hold. */
export const isFilledText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
/** A key that, assigned to a plain object, would reach its prototype instead of becoming an entry. */
export const PROTOTYPE_KEY = '__proto__';

/**
 * Refuses a value with one code, before its parts are read: a million
 * headers earn `headers_too_many` fast, not a million codes. The schema after
 * it documents the shape (OpenAPI shows the input side of the pipe's end).
 */
export function guarded<S extends z.ZodType>(guard: (value: unknown) => string | undefined, schema: S) {
  return z.preprocess((value, ctx) => {
    const code = guard(value);
    if (code === undefined) return value;
    ctx.issues.push({ code: 'custom', message: code, input: value });
    return z.NEVER;
  }, schema);
}

/** A string field with one code for each way it can be wrong. */
export function codedText(codes: { required?: string; invalid: string }) {
  return z.string({ error: (issue) => (issue.input === undefined && codes.required ? codes.required : codes.invalid) });
}

/** Catalog ids (sources and event types): `gateway`, `payment_approved`, `order.created`, `TransactionFinished`. */
export const CATALOG_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const CATALOG_ID_MAX = 128;
/** Display names and descriptions of catalog entries. */
export const CATALOG_TEXT_MAX = 500;

/** A catalog source or event type id as a condition names it. */
export const catalogIdIn = (code: string) =>
  z
    .string({ error: code })
    .refine((v) => isFilledText(v) && v.length <= CATALOG_ID_MAX && !hasUnstorableCharacters(v) && v !== PROTOTYPE_KEY, { message: code });
