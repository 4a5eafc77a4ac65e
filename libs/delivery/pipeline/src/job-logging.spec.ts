import { Writable } from 'node:stream';
import { createLogger } from '@hookstream/logging';
import { sampleAction, sampleWorkflowState } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';

// Every kind of secret a job or a workflow carries, each one distinct so a leak names itself.
const SECRETS = {
  signatureKey: 'cko-key-8V8x0dLK%AyD*DNS8JJr',
  signingSecret: `whsec_${Buffer.from('a-signing-secret-of-32-bytes!!!!').toString('base64')}`,
  rotatedSecret: `whsec_${Buffer.from('the-rotated-in-secret-32-bytes!!').toString('base64')}`,
  authorization: 'Bearer receiver-token-b1f2e3',
  apiKeyHeader: 'x-api-key-value-77c1a0',
  urlPassword: 'url-password-5e6f',
  overridePassword: 'override-password-9a8b',
};

const action = {
  url: `https://merchant:${SECRETS.urlPassword}@merchant.example/hooks`,
  signature: { method: 'HMACSHA256' as const, key: SECRETS.signatureKey },
  signing_secrets: [SECRETS.signingSecret, SECRETS.rotatedSecret],
  headers: { Authorization: SECRETS.authorization, 'X-Api-Key': SECRETS.apiKeyHeader },
  format: 'caf' as const,
};

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const chunks: string[] = [];
  const destination = new Writable({ write: (chunk, _encoding, done) => (chunks.push(String(chunk)), done()) });
  write(createLogger({ service: 'delivery', level: 'debug', destination }));
  return chunks.join('');
}

describe('what delivery logs of a job or a workflow', () => {
  it('holds no secret of a whole delivery job, however it is logged', () => {
    const job = deliveryJob({ ...action, event: { metadata: { webhook_url: `https://caf:${SECRETS.overridePassword}@caf.example/cb` } } });
    const output = logged((logger) => {
      logger.info({ job }, 'job');
      logger.warn({ record: { job, attempts: [job] } }, 'nested');
      logger.child({ job }).error({ err: Object.assign(new Error(`failed ${job.action.url}`), { job }) }, 'as an error');
      logger.debug(job, 'as the object itself');
    });
    expect(output.split('\n').filter(Boolean)).toHaveLength(4);
    for (const [name, secret] of Object.entries(SECRETS)) expect({ name, leaked: output.includes(secret) }).toEqual({ name, leaked: false });
    // What is no secret still shows: the line says which job.
    expect(output).toContain(job.invocation_id);
    expect(output).toContain('merchant.example/hooks');
  });

  it('holds no secret of a whole workflow state', () => {
    const workflow = sampleWorkflowState({ actions: [sampleAction(action), sampleAction({ ...action, format: 'checkout' })] });
    const output = logged((logger) => {
      logger.info({ workflow }, 'workflow changed');
      logger.info({ value: JSON.parse(JSON.stringify(workflow)) as unknown, key: workflow.id }, 'config message');
    });
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (name === 'overridePassword') continue;
      expect({ name, leaked: output.includes(secret) }).toEqual({ name, leaked: false });
    }
    expect(output).toContain(workflow.id);
  });
});
