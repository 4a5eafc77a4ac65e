const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text from outside (a receiver's answer, an error quoting it) made fit for
 * any store: a NUL, which Postgres text and jsonb refuse, becomes the visible
 * escape `\u0000`; a lone UTF-16 surrogate, which no UTF-8 can encode, becomes
 * U+FFFD; then at most `maxChars`, never splitting a surrogate pair.
 */
export function storableText(text: string, maxChars: number): string {
  const clean = text.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE, '\ufffd');
  if (clean.length <= maxChars) return clean;
  const cut = clean.slice(0, maxChars);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The text with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
