/** Position in a subject's events, newest first: (timestamp, id) of the last row served. */
export interface SubjectCursor {
  timestamp: string;
  id: string;
}

export function encodeCursor(cursor: SubjectCursor): string {
  return Buffer.from(`${cursor.timestamp}|${cursor.id}`, 'utf8').toString('base64url');
}

/** undefined for anything that is not a cursor we issued. */
export function decodeCursor(value: string): SubjectCursor | undefined {
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const [timestamp, id, ...rest] = text.split('|');
  if (rest.length > 0 || !id?.startsWith('evt_') || Number.isNaN(Date.parse(timestamp ?? ''))) return undefined;
  return { timestamp, id };
}
