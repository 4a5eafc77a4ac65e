/**
 * In JSON.stringify's output every escape starts with a backslash; scanning
 * escape by escape (`\\.` takes `\\` whole) finds the ones Postgres refuses:
 * `\u0000` (no text or jsonb may hold NUL) and a lone surrogate, which
 * JSON.stringify writes as `\udXXX` (a pair it writes as the character).
 */
const ESCAPES = /\\(u0000|ud[89a-f][0-9a-f]{2})|\\./g;
/** A cheap first look: most text holds neither, and is returned as it is. */
const MAY_HOLD_REFUSED = /\\u(0000|d[89a-f])/;

/** Deeper than this, a value is not stored: Postgres's jsonb parser recurses and gives up long before V8 does. */
export const MAX_STORED_DEPTH = 1_000;

/**
 * JSON text of `value` that Postgres stores as jsonb and text alike: a NUL
 * becomes the visible text `\u0000`, a lone surrogate U+FFFD. Done on the
 * text, not by walking the value, so no depth can overflow the stack here.
 * Throws (RangeError) only if JSON.stringify itself cannot reach that deep.
 */
export function storableJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!MAY_HOLD_REFUSED.test(text)) return text;
  return text.replace(ESCAPES, (escape: string, refused: string | undefined) => {
    if (refused === undefined) return escape;
    return refused === 'u0000' ? '\\\\u0000' : '\\ufffd';
  });
}

/** As storableJson, or undefined when the value is nested deeper than `maxDepth` (or than JSON.stringify reaches). */
export function storableJsonWithin(value: unknown, maxDepth = MAX_STORED_DEPTH): string | undefined {
  let text: string;
  try {
    text = storableJson(value);
  } catch {
    return undefined;
  }
  // Each level takes two characters at least: short text cannot be too deep.
  return text.length <= 2 * maxDepth || nestingDepth(text) <= maxDepth ? text : undefined;
}

/** How deep arrays and objects nest in JSON text, in one pass without recursion. */
export function nestingDepth(json: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}
