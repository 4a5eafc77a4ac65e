import { randomBytes } from 'node:crypto';
import { newId, Topics, WorkflowState } from '@hookstream/contracts';
import type { KafkaConnection, OutgoingMessage } from '@hookstream/messaging';
import { BENCH_TENANT, BenchPlatform } from './bench-platform';
import { sleep } from './stats';

export interface WorkflowSpec {
  name: string;
  type: string;
  url: string;
  entities?: string[];
  /** The key of the tenant it belongs to; the bench tenant's unless told. */
  apiKey?: string;
}

/** Raised when the platform cannot take a workflow: the scenario is reported as not run. */
export class PlatformNotFunctional extends Error {
  override readonly name = 'PlatformNotFunctional';
}

/** Through the public API, as a merchant would: gateway -> workflow-config -> outbox -> config topic -> matcher. */
export async function createWorkflows(platform: BenchPlatform, specs: WorkflowSpec[], concurrency = 8): Promise<string[]> {
  const before = await configChangesApplied(platform);
  const ids: string[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      ids[i] = await createWorkflow(platform, specs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  await waitForMatcher(platform, before + specs.length, `${specs.length} new workflow(s)`);
  return ids;
}

async function createWorkflow(platform: BenchPlatform, spec: WorkflowSpec): Promise<string> {
  const res = await platform.api('POST', '/workflows', {
    name: spec.name,
    active: true,
    conditions: [
      { type: 'event', events: { gateway: [spec.type] } },
      ...(spec.entities ? [{ type: 'entity', entities: spec.entities }] : []),
    ],
    actions: [{ type: 'webhook', url: spec.url, signature: { method: 'HMACSHA256', key: 'bench-signature-key' } }],
  }, spec.apiKey);
  const id = (res.body as { id?: unknown } | undefined)?.id;
  if (res.status !== 201 || typeof id !== 'string') {
    throw new PlatformNotFunctional(`POST /workflows answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  return id;
}

const OTHER_TYPES = ['payment_declined', 'payment_pending', 'payment_expired', 'payment_canceled', 'payment_capture_declined', 'payment_paid', 'card_verified'];

/**
 * Workflows that cannot match the bench events (other tenants, or other event
 * types), published straight to the compacted config topic, the matcher's only
 * input: creating 100,000 through the API would take most of the run.
 */
export function fillerWorkflows(count: number, offset: number): WorkflowState[] {
  const now = new Date().toISOString();
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  return Array.from({ length: count }, (_, n) => {
    const i = offset + n;
    // One in ten in the bench tenant listening to other types; the rest other tenants, same types too.
    const sameTenant = i % 10 === 0;
    return {
      id: newId('wf'),
      tenant_id: sameTenant ? BENCH_TENANT : `ten_filler${i % 500}`,
      name: `filler ${i}`,
      active: true,
      version: 1,
      conditions: [
        { id: newId('wfc'), type: 'event', events: { gateway: sameTenant ? [OTHER_TYPES[i % OTHER_TYPES.length]] : ['payment_approved', OTHER_TYPES[i % OTHER_TYPES.length]] } },
        ...(i % 3 === 0 ? [{ id: newId('wfc'), type: 'entity' as const, entities: [`ent_filler${i}`] }] : []),
      ],
      actions: [
        {
          id: newId('wfa'),
          type: 'webhook',
          url: `https://merchant-${i % 1000}.example/webhooks`,
          headers: {},
          format: 'checkout',
          cloudevents_mode: 'structured',
          retry_policy: 'checkout',
          timeout_ms: 10_000,
          signing_secrets: [secret],
          disabled_at: null,
          disabled_reason: null,
        },
      ],
      subscription: null,
      updated_at: now,
    };
  });
}

/** Publishes workflow states (or tombstones) and waits until the matcher has applied them. */
export async function publishConfig(
  platform: BenchPlatform,
  kafka: KafkaConnection,
  changes: OutgoingMessage<WorkflowState>[],
  onProgress?: (done: number) => void,
): Promise<void> {
  const before = await configChangesApplied(platform);
  for (let i = 0; i < changes.length; i += 2000) {
    await kafka.publisher.publish(Topics.workflowConfig, changes.slice(i, i + 2000));
    onProgress?.(Math.min(changes.length, i + 2000));
  }
  await waitForMatcher(platform, before + changes.length, `${changes.length} config change(s)`);
}

async function configChangesApplied(platform: BenchPlatform): Promise<number> {
  return platform.metric('matcher', 'matcher_config_changes_total');
}

async function waitForMatcher(platform: BenchPlatform, target: number, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await configChangesApplied(platform)) < target) {
    if (Date.now() > deadline) throw new PlatformNotFunctional(`the matcher did not apply ${what} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}
