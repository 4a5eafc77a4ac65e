import type { FedAttempt } from '@hookstream/contracts';

/** A comment line: proxies and the client see traffic, the stream's parser sees nothing. */
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';

/**
 * One attempt as a server-sent event: its feed position as the id (what the
 * client sends back as Last-Event-ID), the attempt as one line of JSON
 * (JSON.stringify escapes every CR and LF, so no line break can end the
 * frame early).
 */
export function attemptFrame({ cursor, ...attempt }: FedAttempt): string {
  return `id: ${cursor}\nevent: attempt\ndata: ${JSON.stringify(attempt)}\n\n`;
}

/** A comment with a note for whoever reads the raw stream; CR and LF taken out, so it stays one line. */
export function commentFrame(note: string): string {
  return `: ${note.replace(/[\r\n]+/g, ' ')}\n\n`;
}
