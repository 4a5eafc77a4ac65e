import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { mapActionSecrets } from '@hookstream/contracts';
import type { AttemptResult } from '@hookstream/delivery-domain';
import type { BreakerRegistry, WebhookClient } from '@hookstream/delivery-http';
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
    run: async (_origin: string, action: () => Promise<AttemptResult>) => ({ shortCircuited: false, value: await action() }),
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
