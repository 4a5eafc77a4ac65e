import { apiKeyStatus, hashApiKey, lastFour, maskApiKey, newApiKey, parseExpiry, SECRET_KEY_PREFIX, staleBootstrapKeys } from './api-key';

describe('newApiKey', () => {
  it('makes sk_ keys of 192 random bits, each different', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newApiKey()));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
  });
});

describe('maskApiKey', () => {
  it('shows the prefix and the last four characters, never more', () => {
    const key = newApiKey();
    const masked = maskApiKey(lastFour(key));
    expect(masked).toBe(`${SECRET_KEY_PREFIX}…${key.slice(-4)}`);
    expect(masked).not.toContain(key.slice(SECRET_KEY_PREFIX.length, -4));
  });

  it('shows the prefix alone for a key stored before last fours were kept', () => {
    expect(maskApiKey(null)).toBe('sk_…');
  });
});

describe('apiKeyStatus', () => {
  const now = new Date('2026-12-02T10:00:00.000Z');
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

  it('is active without expiry or revocation, and until the expiry', () => {
    expect(apiKeyStatus({ expiresAt: null, revokedAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ expiresAt: at(1), revokedAt: null }, now)).toBe('active');
  });

  it('is expired from the expiry on', () => {
    expect(apiKeyStatus({ expiresAt: at(0), revokedAt: null }, now)).toBe('expired');
    expect(apiKeyStatus({ expiresAt: at(-1), revokedAt: null }, now)).toBe('expired');
  });

  it('is revoked once revoked, whatever the clocks say, and revocation wins over expiry', () => {
    expect(apiKeyStatus({ expiresAt: null, revokedAt: at(60_000) }, now)).toBe('revoked');
    expect(apiKeyStatus({ expiresAt: at(-1), revokedAt: at(-2) }, now)).toBe('revoked');
  });
});

describe('staleBootstrapKeys', () => {
  const stored = [
    { id: 'key_old', keyHash: hashApiKey('sk_old_bootstrap_key_0000') },
    { id: 'key_now', keyHash: hashApiKey('sk_now_bootstrap_key_0000') },
  ];

  it('keeps only the key BOOTSTRAP_API_KEY names now', () => {
    expect(staleBootstrapKeys(stored, 'sk_now_bootstrap_key_0000').map((k) => k.id)).toEqual(['key_old']);
  });

  it('revokes every one when the variable is gone, or names another key', () => {
    expect(staleBootstrapKeys(stored, undefined).map((k) => k.id)).toEqual(['key_old', 'key_now']);
    expect(staleBootstrapKeys(stored, 'sk_another_key_000000000').map((k) => k.id)).toEqual(['key_old', 'key_now']);
  });
});

describe('parseExpiry', () => {
  it('takes RFC 3339 times with their offset', () => {
    expect(parseExpiry('2027-01-01T00:00:00Z')).toEqual(new Date('2027-01-01T00:00:00.000Z'));
    expect(parseExpiry('2027-01-01T02:00:00.5+02:00')).toEqual(new Date('2027-01-01T00:00:00.500Z'));
    expect(parseExpiry('2028-02-29T00:00:00Z')).toEqual(new Date('2028-02-29T00:00:00.000Z'));
  });

  it('refuses days that do not exist, missing offsets and anything else', () => {
    for (const text of ['2030-02-30T00:00:00Z', '2029-02-29T00:00:00Z', '2027-01-01T00:00:00', '2027-01-01', 'tomorrow', '', '1e400']) {
      expect({ text, parsed: parseExpiry(text) }).toEqual({ text, parsed: undefined });
    }
  });
});
