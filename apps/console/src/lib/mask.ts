// Secrets the console holds (the API key, a revealed signing secret) are shown masked unless the user asks.

const MASK = '•';

/** The first `visible` characters, then a fixed-length mask: the length of the secret is not told. */
export function maskSecret(value: string, visible = 4): string {
  const shown = [...value].slice(0, Math.min(visible, Math.floor(value.length / 3)));
  return `${shown.join('')}${MASK.repeat(12)}`;
}

/** The API masks header values and signature keys (first 4 characters, then `*`); say so rather than show stars alone. */
export function describeMasked(value: string): string {
  return /\*{3,}$/.test(value) ? `${value.replace(/\*+$/, '')}… (masked)` : maskSecret(value);
}
