// The API's error answers ({ error_type, error_codes, request_id }) in a sentence that says what to do.

export interface ApiErrorBody {
  error_type?: string;
  error_codes?: string[];
  request_id?: string;
}

export function describeApiError(status: number, body: unknown): string {
  const b: ApiErrorBody = typeof body === 'object' && body !== null ? (body as ApiErrorBody) : {};
  const codes = Array.isArray(b.error_codes) ? b.error_codes.filter((c) => typeof c === 'string').slice(0, 10) : [];
  const ref = typeof b.request_id === 'string' ? ` (request ${b.request_id})` : '';
  if (status === 0) return 'Could not reach the gateway: check that it is running and that this page is served by it, then try again.';
  if (status === 401) return 'The API key was refused: sign in again with a valid secret key.';
  if (status === 403) return `This key may not do that${ref}.`;
  if (status === 404) return `Not found: it does not exist, or belongs to another tenant${ref}.`;
  if (status === 409) return `It changed meanwhile: reload and try again${ref}.`;
  if (status === 422 || status === 400) return `The API refused the request${codes.length ? `: ${codes.join(', ')}` : ''}${ref}. Correct it and try again.`;
  if (status === 429) return `Too many requests${codes.length ? ` (${codes.join(', ')})` : ''}: wait a few seconds and try again.`;
  if (status >= 500) return `The platform could not answer (${status}${b.error_type ? ` ${b.error_type}` : ''})${ref}: try again shortly.`;
  return `Unexpected answer ${status}${ref}.`;
}
