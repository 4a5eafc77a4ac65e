import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { mapActionSecrets } from '@hookstream/contracts';
import type { AttemptResult } from '@hookstream/delivery-domain';
import { BreakerRegistry, type WebhookClient } from '@hookstream/delivery-http';
import { KeyRing } from '@hookstream/secrets';
import { testLogger } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { AttemptExecutor } from './attempt-executor';

const ring = KeyRing.parse(`k1:${randomBytes(32).toString('base64')}`);
// standardwebhooks checks the timestamp against the real clock.
const NOW = Date.now();

interface Sent {
  headers: Record<string, string>;
  body: string;
}

function executor(keyRing: KeyRing): { executor: AttemptExecutor; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = {
    post: async (request: Sent): Promise<AttemptResult> => {
      sent.push(request);
      return { kind: 'response', status: 200, body: null, receivedAt: new Date(NOW) };
    },
  } as unknown as WebhookClient;
  const breakers = {
    state: () => 'closed',
    run: async (_at: unknown, action: () => Promise<AttemptResult>) => ({ shortCircuited: false, value: await action() }),
  } as unknown as BreakerRegistry;
  return { executor: new AttemptExecutor(client, breakers, { timeScale: 1, minRetryDelayMs: 1_000, publicBaseUrl: 'https://api.example', keyRing }, testLogger('attempt-executor'), { now: () => NOW }), sent };
}

describe('AttemptExecutor and sealed secrets', () => {
  const clear = deliveryJob({ url: 'https://merchant.example/hook', action: { headers: { 'X-Api-Key': 'key-in-clear' }, signature: { method: 'HMACSHA256', key: 'cko-key' } } });
  const sealed = { ...clear, action: mapActionSecrets(clear.action, (s) => ring.seal(s)) };

  it('opens the job’s secrets to sign and send, and keeps the job sealed', async () => {
    const { executor: run, sent } = executor(ring);
    const record = await run.attempt(sealed);
    expect(record.verdict.succeeded).toBe(true);
    expect(sent[0].headers['x-api-key']).toBe('key-in-clear');
    expect(() => new Webhook(clear.action.signing_secrets[0]).verify(sent[0].body, sent[0].headers)).not.toThrow();
    // What goes on to outcomes, retry tiers and dead letters holds no opened value.
    expect(JSON.stringify(record.job)).not.toContain('key-in-clear');
    expect(record.requestHeaders['x-api-key']).not.toBe('key-in-clear');
  });

  it('after a rotation (a new first key, the old one kept), still opens and signs a job sealed with the old key', async () => {
    const [k1] = ring.secretTexts;
    const rotated = KeyRing.parse(`k2:${randomBytes(32).toString('base64')},${k1}`);
    const { executor: run, sent } = executor(rotated);
    const record = await run.attempt(sealed);
    expect(record.verdict.succeeded).toBe(true);
    expect(sent[0].headers['x-api-key']).toBe('key-in-clear');
    expect(() => new Webhook(clear.action.signing_secrets[0]).verify(sent[0].body, sent[0].headers)).not.toThrow();
  });

  it('sends a job from before sealing as it is', async () => {
    const { executor: run, sent } = executor(ring);
    await run.attempt(clear);
    expect(sent[0].headers['x-api-key']).toBe('key-in-clear');
  });

  it('fails, unsent and for good, a job sealed with a key the ring lacks, saying which', async () => {
    const { executor: run, sent } = executor(KeyRing.parse(`k2:${randomBytes(32).toString('base64')}`));
    const record = await run.attempt(sealed);
    expect(sent).toHaveLength(0);
    expect(record.result).toMatchObject({ kind: 'failure', failure: 'unsendable', message: expect.stringContaining("key 'k1'") });
    expect(record.next.kind).toBe('give_up');
  });
});

describe('AttemptExecutor and circuit breakers', () => {
  const settings = { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 60_000, rollingWindowMs: 60_000, rollingBuckets: 10, maxBreakers: 100, idleEvictionMs: 600_000 };
  let breakers: BreakerRegistry;
  // Fake timers and Date: opossum's rolling window turns on fake time, so a slow machine cannot age the failures out.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    breakers.shutdown();
    jest.useRealTimers();
  });

  it("opens one tenant's breaker for a shared origin with its failures, and still sends another tenant's attempts there", async () => {
    const sent: string[] = [];
    // The shared origin fails every request of ten_noisy's (its path is broken) and answers ten_quiet's.
    const client = {
      post: async (request: { tenantId: string }): Promise<AttemptResult> => {
        sent.push(request.tenantId);
        return { kind: 'response', status: request.tenantId === 'ten_noisy' ? 503 : 200, body: null, receivedAt: new Date(NOW) };
      },
    } as unknown as WebhookClient;
    breakers = new BreakerRegistry(settings);
    const run = new AttemptExecutor(client, breakers, { timeScale: 1, minRetryDelayMs: 1_000, publicBaseUrl: 'https://api.example', keyRing: ring }, testLogger('attempt-executor'), { now: () => NOW });
    const job = (tenant: string) => deliveryJob({ url: 'https://hooks.shared.example/in', event: { tenant_id: tenant } });
    for (let i = 0; i < 5; i++) expect((await run.attempt(job('ten_noisy'))).result).toMatchObject({ kind: 'response', status: 503 });
    const origin = 'https://hooks.shared.example';
    expect(run.isOpen({ tenantId: 'ten_noisy', origin })).toBe(true);
    expect(run.isOpen({ tenantId: 'ten_quiet', origin })).toBe(false);
    // ten_noisy's next attempt is short-circuited, unsent; ten_quiet's goes out and is delivered.
    expect((await run.attempt(job('ten_noisy'))).result).toMatchObject({ kind: 'failure', failure: 'circuit_open' });
    expect((await run.attempt(job('ten_quiet'))).verdict.succeeded).toBe(true);
    expect(sent).toEqual([...Array.from({ length: 5 }, () => 'ten_noisy'), 'ten_quiet']);
  });
});
