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

  it.each([
    ['DELIVERY_ALLOWED_HOSTS_BY_TENANT', 'ten_a'],
    ['DELIVERY_ALLOWED_HOSTS_BY_TENANT', 'ten_a=169.254.169.254'],
    ['DELIVERY_ALLOWED_HOSTS', 'metadata.google.internal'],
  ])('refuses to start with %s=%s, naming the variable', (name, value) => {
    expect(DeliveryEnv.safeParse(KAFKA).success).toBe(true);
    const result = DeliveryEnv.safeParse({ ...KAFKA, [name]: value });
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: [name] })]);
  });
});
