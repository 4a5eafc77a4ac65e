import { loadConfig } from '@hookstream/config';
import { GatewayEnv, ingestRateLimitOf } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', GATEWAY_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' };

describe('gateway config', () => {
  it('has the documented defaults', () => {
    const config = loadConfig(GatewayEnv, base);
    expect(config).toMatchObject({
      PORT: 3000,
      PUBLIC_BASE_URL: 'http://localhost:3000',
      WORKFLOW_CONFIG_URL: 'http://127.0.0.1:3001',
      EVENT_INGEST_URL: 'http://127.0.0.1:3002',
      BODY_LIMIT: '1mb',
    });
    // No bootstrap tenant and no admin endpoints unless asked for.
    expect([config.BOOTSTRAP_TENANT_ID, config.BOOTSTRAP_API_KEY, config.ADMIN_API_KEY]).toEqual([undefined, undefined, undefined]);
  });

  it('holds each tenant to 1,000 events a second, 2,000 at once, unless told otherwise; 0 is no limit', () => {
    expect(ingestRateLimitOf(loadConfig(GatewayEnv, base))).toEqual({ perSecond: 1_000, burst: 2_000 });
    expect(ingestRateLimitOf(loadConfig(GatewayEnv, { ...base, INGEST_RATE_LIMIT_PER_SECOND: '0.5', INGEST_RATE_LIMIT_BURST: '3' }))).toEqual({ perSecond: 0.5, burst: 3 });
    expect(ingestRateLimitOf(loadConfig(GatewayEnv, { ...base, INGEST_RATE_LIMIT_PER_SECOND: '0' }))).toBeNull();
    for (const [name, bad] of [['INGEST_RATE_LIMIT_PER_SECOND', '-1'], ['INGEST_RATE_LIMIT_PER_SECOND', 'fast'], ['INGEST_RATE_LIMIT_BURST', '0'], ['INGEST_RATE_LIMIT_BURST', '1.5']]) {
      expect(() => loadConfig(GatewayEnv, { ...base, [name]: bad })).toThrow(new RegExp(name));
    }
  });

  it('takes a bootstrap tenant with an sk_ key, and treats empty values as unset', () => {
    const config = loadConfig(GatewayEnv, { ...base, BOOTSTRAP_TENANT_ID: 'ten_local', BOOTSTRAP_API_KEY: 'sk_local_dev_key_0000000000000000', ADMIN_API_KEY: '' });
    expect(config).toMatchObject({ BOOTSTRAP_TENANT_ID: 'ten_local', BOOTSTRAP_API_KEY: 'sk_local_dev_key_0000000000000000' });
    expect(config.ADMIN_API_KEY).toBeUndefined();
  });

  it('refuses a bootstrap key that could never authenticate, half a bootstrap, or a short admin key', () => {
    expect(() => loadConfig(GatewayEnv, { ...base, BOOTSTRAP_TENANT_ID: 'ten_local', BOOTSTRAP_API_KEY: 'local-key-0000000000000' })).toThrow(/BOOTSTRAP_API_KEY: must be sk_/);
    expect(() => loadConfig(GatewayEnv, { ...base, BOOTSTRAP_API_KEY: 'sk_local_dev_key_0000000000000000' })).toThrow(/set both BOOTSTRAP_TENANT_ID and BOOTSTRAP_API_KEY/);
    expect(() => loadConfig(GatewayEnv, { ...base, ADMIN_API_KEY: 'admin' })).toThrow(/ADMIN_API_KEY/);
  });

  it('refuses to start in production with the development or docker-compose keys, and starts with keys of its own', () => {
    const production = { ...base, NODE_ENV: 'production', BOOTSTRAP_TENANT_ID: 'ten_local' };
    expect(() => loadConfig(GatewayEnv, { ...production, BOOTSTRAP_API_KEY: 'sk_local_dev_key_0000000000000000', ADMIN_API_KEY: 'adm_local_dev_key_00000000000000' })).toThrow(
      /INTERNAL_API_KEY: is a published[^]*BOOTSTRAP_API_KEY: is a published[^]*ADMIN_API_KEY: is a published/,
    );
    expect(() => loadConfig(GatewayEnv, { ...production, INTERNAL_API_KEY: 'int_local_change_me_00000000000000000000', BOOTSTRAP_API_KEY: 'sk_local_change_me_0000000000000000' })).toThrow(
      /INTERNAL_API_KEY: is a published[^]*BOOTSTRAP_API_KEY: is a published/,
    );
    const own = { ...production, INTERNAL_API_KEY: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', BOOTSTRAP_API_KEY: 'sk_9f8e7d6c5b4a39281706f5e4', ADMIN_API_KEY: 'adm_0a1b2c3d4e5f60718293' };
    expect(loadConfig(GatewayEnv, own)).toMatchObject({ INTERNAL_API_KEY: own.INTERNAL_API_KEY, BOOTSTRAP_API_KEY: own.BOOTSTRAP_API_KEY });
  });
});
