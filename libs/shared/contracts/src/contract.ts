import { z } from 'zod';

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** JSON bytes -> a value of the topic's (or any) schema, or the reason it is not one. Never throws. */
export function decodeMessage<S extends z.ZodType>(topic: { readonly schema: S }, bytes: Buffer | null): DecodeResult<z.infer<S>> {
  let json: unknown = null;
  if (bytes !== null && bytes.length > 0) {
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
  }
  const result = topic.schema.safeParse(json);
  if (!result.success) return { ok: false, reason: describeIssues(result.error) };
  return { ok: true, value: result.data };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
