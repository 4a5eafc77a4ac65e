import type { z } from 'zod';
import { DeliveryEnv } from '../../../apps/delivery/src/config';
import { EventIngestEnv } from '../../../apps/event-ingest/src/config';
import { GatewayEnv } from '../../../apps/gateway/src/config';
import { MatcherEnv } from '../../../apps/matcher/src/config';
import { ProjectionEnv } from '../../../apps/projection/src/config';
import { WorkflowConfigEnv } from '../../../apps/workflow-config/src/config';
import type { Container } from './rendered';

/** Each service's env schema, by the SERVICE the image runs: the one source of the names a service reads. */
export const SERVICE_ENV: ReadonlyMap<string, z.ZodObject> = new Map<string, z.ZodObject>([
  ['gateway', GatewayEnv],
  ['workflow-config', WorkflowConfigEnv],
  ['event-ingest', EventIngestEnv],
  ['matcher', MatcherEnv],
  ['delivery', DeliveryEnv],
  ['projection', ProjectionEnv],
]);

/**
 * Read by the image rather than by a service's config: SERVICE picks the
 * service (deploy/Dockerfile), DATABASE_MIGRATIONS says whether it migrates
 * at boot, not at all, or only (the image's contract).
 */
export const IMAGE_ENV: ReadonlySet<string> = new Set(['SERVICE', 'DATABASE_MIGRATIONS']);

/** The OpenTelemetry SDK's own settings (endpoint, sampler, resource; see libs/shared/tracing), read by every service. */
export const isOpenTelemetrySetting = (name: string): boolean => name.startsWith('OTEL_');

/** A service keeps state in Postgres when its config names a database URL of its own. */
export const databaseUrlVariable = (schema: z.ZodObject): string | undefined => Object.keys(schema.shape).find((name) => name.endsWith('_DATABASE_URL'));

/**
 * What is wrong with a container's environment for the service it runs:
 * names the service does not know (a typo never reaches a cluster), and
 * literal values its own schema refuses. Values from Secrets are not seen
 * here, and paths to mounted files exist only in the pod.
 */
export function envProblems(container: Container): string[] {
  const env = container.env ?? [];
  const service = env.find((e) => e.name === 'SERVICE')?.value;
  const schema = service === undefined ? undefined : SERVICE_ENV.get(service);
  if (!schema) return [`container ${container.name}: SERVICE is ${JSON.stringify(service)}, not one of ${[...SERVICE_ENV.keys()].join(', ')}`];
  const shape = schema.shape as Record<string, z.ZodType>;
  const problems: string[] = [];
  if (container.envFrom?.length) problems.push(`container ${container.name}: envFrom hides names from this check; name each variable`);
  const seen = new Set<string>();
  for (const variable of env) {
    if (seen.has(variable.name)) problems.push(`${service}: ${variable.name} is set twice`);
    seen.add(variable.name);
    if (IMAGE_ENV.has(variable.name) || isOpenTelemetrySetting(variable.name)) continue;
    const setting = shape[variable.name];
    if (!setting) {
      problems.push(`${service}: ${variable.name} is not a setting of ${service} (apps/${service}/src/config.ts)`);
      continue;
    }
    if (variable.value === undefined || variable.name.endsWith('_FILE')) continue;
    const parsed = setting.safeParse(variable.value);
    if (!parsed.success) problems.push(`${service}: ${variable.name}=${JSON.stringify(variable.value)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return problems;
}
