/** How many one page may hold, and how many when the caller does not say. */
export interface PageBounds {
  defaultLimit: number;
  maxLimit: number;
}

/** Opaque cursors are short base64url: anything longer or otherwise is not one we issued. */
const MAX_CURSOR_LENGTH = 128;

/**
 * ?limit as the query string brings it (any shape at all): a plain whole
 * number within the bounds, the default when absent; undefined otherwise.
 */
export function readLimit(value: unknown, bounds: PageBounds): number | undefined {
  if (value === undefined) return bounds.defaultLimit;
  const limit = typeof value === 'string' && /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : NaN;
  return limit <= bounds.maxLimit ? limit : undefined;
}

/** A cursor is base64url of `text`: opaque to callers. */
export function encodeCursor(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The text of a cursor that matches `pattern` (the shape we issue); undefined for anything else. */
export function decodeCursor(value: unknown, pattern: RegExp): RegExpExecArray | undefined {
  if (typeof value !== 'string' || value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  return pattern.exec(Buffer.from(value, 'base64url').toString('utf8')) ?? undefined;
}
