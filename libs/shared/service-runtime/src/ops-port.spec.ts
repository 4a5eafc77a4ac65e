import { isOpsPath, resolveOpsPort, SERVICE_OPS_PATHS } from './ops-port';

describe('resolveOpsPort', () => {
  it('is OPS_PORT when set, else the service port plus 1000', () => {
    expect(resolveOpsPort(3000, 9000)).toBe(9000);
    expect(resolveOpsPort(3000, undefined)).toBe(4000);
    expect(resolveOpsPort(3005, undefined)).toBe(4005);
  });

  it('refuses the service port itself and a port past 65535', () => {
    expect(() => resolveOpsPort(3000, 3000)).toThrow(/OPS_PORT: must differ from PORT/);
    expect(() => resolveOpsPort(65_000, undefined)).toThrow(/past 65535; set OPS_PORT/);
    expect(resolveOpsPort(65_000, 9000)).toBe(9000);
  });
});

describe('isOpsPath', () => {
  const gateway = [...SERVICE_OPS_PATHS, '/docs', '/docs-json', '/admin'];

  it('takes each ops path and what lies below it', () => {
    for (const path of ['/health/ready', '/health/live', '/metrics', '/docs', '/docs/', '/docs/swagger-ui.css', '/docs-json', '/admin/tenants', '/admin/tenants/ten_1/keys']) {
      expect({ path, ops: isOpsPath(path, gateway) }).toEqual({ path, ops: true });
    }
  });

  it('matches regardless of case, as Express routes do', () => {
    for (const path of ['/ADMIN/tenants', '/Metrics', '/Health/Ready', '/DOCS-JSON']) expect(isOpsPath(path, gateway)).toBe(true);
  });

  it('leaves the API alone, including paths that only begin like an ops path', () => {
    for (const path of ['/', '/workflows', '/events', '/internal/workflows', '/metricsx', '/healthy', '/administrator', '/docs-other', '/api/v1/webhooks/admin']) {
      expect({ path, ops: isOpsPath(path, gateway) }).toEqual({ path, ops: false });
    }
  });

  it('serves only /health and /metrics on the ops port of a service without its own ops paths', () => {
    expect(isOpsPath('/admin/tenants', SERVICE_OPS_PATHS)).toBe(false);
    expect(isOpsPath('/health/ready', SERVICE_OPS_PATHS)).toBe(true);
  });
});
