/** Keeps the first 4 characters of a secret, as Checkout.com's API shows them. */
export function maskSecret(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(Math.min(value.length - 4, 20));
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskSecret(value)]));
}
