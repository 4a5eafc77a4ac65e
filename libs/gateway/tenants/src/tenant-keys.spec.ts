import { bearerToken } from './tenant-auth.guard';
import { hashApiKey } from './api-key';

describe('bearerToken', () => {
  it('reads the key bare or after Bearer', () => {
    expect(bearerToken('sk_abc')).toBe('sk_abc');
    expect(bearerToken('Bearer sk_abc')).toBe('sk_abc');
    expect(bearerToken('Bearer   sk_abc ')).toBe('sk_abc');
    expect(bearerToken('bearer sk_abc')).toBe('sk_abc');
  });

  it('has nothing for a missing or empty header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
  });
});

describe('hashApiKey', () => {
  it('stores SHA-256 hex, never the key', () => {
    const hash = hashApiKey('sk_test');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('sk_test');
    expect(hashApiKey('sk_test')).toBe(hash);
  });
});
