import { Container, podSpecOf, renderedSets, workloadsOf } from './rendered';
import { envProblems } from './service-env';

describe('the environment of every rendered container', () => {
  it.each(renderedSets().map((set) => [set.name, set] as const))('names only settings its service knows, with values it accepts (%s)', (_name, set) => {
    const containers = workloadsOf(set.manifests).flatMap((workload) => {
      const pod = podSpecOf(workload);
      return [...(pod.initContainers ?? []), ...pod.containers];
    });
    expect(containers.length).toBeGreaterThanOrEqual(6);
    expect(containers.flatMap(envProblems)).toEqual([]);
  });
});

describe('envProblems', () => {
  const container = (env: Container['env']): Container => ({ name: 'c', env });

  it('finds a misspelt name, a name of another service and a value the service refuses', () => {
    expect(
      envProblems(
        container([
          { name: 'SERVICE', value: 'delivery' },
          { name: 'DELIVERY_CONCURENCY', value: '5' },
          { name: 'GATEWAY_DATABASE_URL', valueFrom: {} },
          { name: 'BREAKER_ERROR_PERCENTAGE', value: '150' },
          { name: 'KAFKA_SSL_CA_FILE', value: '/etc/ca.crt' },
        ]),
      ),
    ).toEqual([
      'delivery: DELIVERY_CONCURENCY is not a setting of delivery (apps/delivery/src/config.ts)',
      'delivery: GATEWAY_DATABASE_URL is not a setting of delivery (apps/delivery/src/config.ts)',
      expect.stringMatching(/^delivery: BREAKER_ERROR_PERCENTAGE="150": /),
    ]);
  });

  it('lets every service have the OpenTelemetry SDK\'s settings, and only those beyond its own', () => {
    const tracing = [
      { name: 'SERVICE', value: 'matcher' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://collector:4318' },
      { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
    ];
    expect(envProblems(container(tracing))).toEqual([]);
    expect(envProblems(container([...tracing, { name: 'OTLP_ENDPOINT', value: 'x' }]))).toEqual(['matcher: OTLP_ENDPOINT is not a setting of matcher (apps/matcher/src/config.ts)']);
  });

  it('refuses a container that runs no known service, or hides its names behind envFrom', () => {
    expect(envProblems(container([{ name: 'SERVICE', value: 'mailer' }]))).toEqual([expect.stringContaining('SERVICE is "mailer"')]);
    expect(envProblems({ ...container([{ name: 'SERVICE', value: 'matcher' }]), envFrom: [{ configMapRef: { name: 'x' } }] })).toEqual([expect.stringContaining('envFrom')]);
  });
});
