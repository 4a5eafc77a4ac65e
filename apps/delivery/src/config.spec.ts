import { DeliveryEnv, deliverySettings } from './config';

const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('delivery config', () => {
  it('reads per-tenant allowlists into the settings', () => {
    const config = DeliveryEnv.parse({ ...KAFKA, DELIVERY_ALLOWED_HOSTS: 'hooks.shared.example', DELIVERY_ALLOWED_HOSTS_BY_TENANT: 'ten_a=*.a.example,10.0.0.0/8;ten_b=hooks.b.com' });
    const settings = deliverySettings(config);
    expect(settings.allowedHosts).toEqual(['hooks.shared.example']);
    expect(settings.allowedHostsByTenant).toEqual(
      new Map([
        ['ten_a', ['*.a.example', '10.0.0.0/8']],
        ['ten_b', ['hooks.b.com']],
      ]),
    );
    expect(deliverySettings(DeliveryEnv.parse(KAFKA)).allowedHostsByTenant).toEqual(new Map());
  });

  it('holds each tenant to a quarter of the slots and waits at least a second before a retry, unless told otherwise', () => {
    expect(deliverySettings(DeliveryEnv.parse(KAFKA))).toMatchObject({ tenantConcurrencyShare: 0.25, minRetryDelayMs: 1_000 });
    const told = DeliveryEnv.parse({ ...KAFKA, DELIVERY_TENANT_CONCURRENCY_SHARE: '1', DELIVERY_MIN_RETRY_DELAY_MS: '5000' });
    expect(deliverySettings(told)).toMatchObject({ tenantConcurrencyShare: 1, minRetryDelayMs: 5_000 });
  });

  it.each([
    ['DELIVERY_TENANT_CONCURRENCY_SHARE', '0'],
    ['DELIVERY_TENANT_CONCURRENCY_SHARE', '1.5'],
    ['DELIVERY_TENANT_CONCURRENCY_SHARE', 'half'],
    ['DELIVERY_MIN_RETRY_DELAY_MS', '-1'],
    ['DELIVERY_MIN_RETRY_DELAY_MS', '0.5'],
    ['DELIVERY_ALLOWED_HOSTS_BY_TENANT', 'ten_a'],
    ['DELIVERY_ALLOWED_HOSTS_BY_TENANT', 'ten_a=169.254.169.254'],
    ['DELIVERY_ALLOWED_HOSTS', 'metadata.google.internal'],
  ])('refuses to start with %s=%s, naming the variable', (name, value) => {
    expect(DeliveryEnv.safeParse(KAFKA).success).toBe(true);
    const result = DeliveryEnv.safeParse({ ...KAFKA, [name]: value });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: [name] })]);
  });
});
