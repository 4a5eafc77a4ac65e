import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CommonEnv, InternalApiEnv } from './common-env';
import { ConfigError, loadConfig } from './load-config';
import { LOCAL_INTERNAL_API_KEY, PUBLISHED_KEYS, secret } from './secret-settings';

const OWN_KEY = 'f3b1c0a4e7d94c5b8a2e6f1d0c9b8a7e';
const Env = CommonEnv.extend(InternalApiEnv.shape).extend({
  ADMIN_API_KEY: secret(z.string().min(16).optional()),
  NOT_A_SECRET: z.string().optional(),
});

describe('secret settings in production', () => {
  it('refuse the local development default, an example key and an empty one', () => {
    expect(() => loadConfig(Env, { NODE_ENV: 'production' })).toThrow(/INTERNAL_API_KEY: is a published example or development key/);
    expect(() => loadConfig(Env, { NODE_ENV: 'production', INTERNAL_API_KEY: LOCAL_INTERNAL_API_KEY })).toThrow(ConfigError);
    for (const key of PUBLISHED_KEYS) {
      expect(() => loadConfig(Env, { NODE_ENV: 'production', INTERNAL_API_KEY: OWN_KEY, ADMIN_API_KEY: key })).toThrow(/ADMIN_API_KEY: is a published/);
    }
    expect(() => loadConfig(Env, { NODE_ENV: 'production', INTERNAL_API_KEY: '' })).toThrow(/INTERNAL_API_KEY/);
    expect(() => loadConfig(Env, { NODE_ENV: 'production', INTERNAL_API_KEY: ' '.repeat(40) })).toThrow(/INTERNAL_API_KEY: is empty/);
  });

  it('check each key of a list of keys, and take an empty list for unset', () => {
    const production = { NODE_ENV: 'production', INTERNAL_API_KEY: OWN_KEY };
    expect(() => loadConfig(Env, { ...production, INTERNAL_API_ACCEPTED_KEYS: `${OWN_KEY}x, ${LOCAL_INTERNAL_API_KEY}` })).toThrow(/INTERNAL_API_ACCEPTED_KEYS: is a published/);
    expect(loadConfig(Env, { ...production, INTERNAL_API_ACCEPTED_KEYS: `${OWN_KEY}x` }).INTERNAL_API_ACCEPTED_KEYS).toEqual([`${OWN_KEY}x`]);
    expect(loadConfig(Env, production).INTERNAL_API_ACCEPTED_KEYS).toEqual([]);
  });

  it('name every offending variable at once', () => {
    expect(() => loadConfig(Env, { NODE_ENV: 'production', ADMIN_API_KEY: 'adm_local_dev_key_00000000000000' })).toThrow(
      /INTERNAL_API_KEY: is a published[^]*ADMIN_API_KEY: is a published/,
    );
  });

  it('accept keys of ones own, an optional secret left unset, and published values of settings that are no secret', () => {
    const config = loadConfig(Env, { NODE_ENV: 'production', INTERNAL_API_KEY: OWN_KEY, NOT_A_SECRET: LOCAL_INTERNAL_API_KEY });
    expect(config).toMatchObject({ INTERNAL_API_KEY: OWN_KEY, NOT_A_SECRET: LOCAL_INTERNAL_API_KEY });
    expect(config.ADMIN_API_KEY).toBeUndefined();
  });

  it('leave development and test runs on the development keys', () => {
    expect(loadConfig(Env, {}).INTERNAL_API_KEY).toBe(LOCAL_INTERNAL_API_KEY);
    expect(loadConfig(Env, { NODE_ENV: 'test', ADMIN_API_KEY: 'adm_local_dev_key_00000000000000' }).ADMIN_API_KEY).toBe('adm_local_dev_key_00000000000000');
  });

  it('know every key published in the repository (docker-compose.yml, scripts/dev.sh, README.md)', () => {
    const root = path.resolve(__dirname, '../../../..');
    // API, admin and internal keys by their local spelling; key ring entries (kid:<base64 of 32 bytes>) by their form.
    const published = /\b(?:sk|adm|int)_local_[A-Za-z0-9_]+|\b[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=/g;
    const found = ['docker-compose.yml', 'scripts/dev.sh', 'README.md'].flatMap((file) =>
      [...readFileSync(path.join(root, file), 'utf8').matchAll(published)].map((m) => m[0]),
    );
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(found.filter((key) => key.includes(':'))).not.toEqual([]);
    expect(found.filter((key) => !PUBLISHED_KEYS.has(key))).toEqual([]);
  });
});
