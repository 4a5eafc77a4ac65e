/**
 * What text from outside may hold. Postgres (text and jsonb) refuses NUL, a
 * lone UTF-16 surrogate has no UTF-8 form, and control characters break the
 * keys, headers and log lines identifiers travel in. Without the u flag a
 * regex sees UTF-16 code units, so a surrogate alone is matchable.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_OR_UNSTORABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** NUL or a lone surrogate: fine nowhere. */
export const hasUnstorableCharacters = (s: string): boolean => UNSTORABLE.test(s);

/** The above, or a control character (C0, DEL, C1): fine in free text, not in an identifier. */
export const isUnfitIdentifier = (s: string): boolean => CONTROL_OR_UNSTORABLE.test(s);

/** Printable text, e.g. a name: no control characters, surrogates only in pairs. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const PRINTABLE_TEXT = /^(?:[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/**
 * Text from outside (a receiver's answer, an error quoting it) made fit for
 * any store: a NUL becomes the visible escape `\u0000`, a lone surrogate
 * U+FFFD; then at most `maxChars`, never splitting a surrogate pair.
 */
export function storableText(text: string, maxChars: number): string {
  const clean = wellFormed(text.replaceAll('\u0000', '\\u0000'));
  if (clean.length <= maxChars) return clean;
  const cut = clean.slice(0, maxChars);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The text with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
