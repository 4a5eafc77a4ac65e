import { loadConfig } from '@hookstream/config';
import { DEFAULT_WORKFLOW_LIMITS, WORKFLOW_LIMIT_CEILINGS } from '@hookstream/workflow-definition';
import { DEVELOPMENT_KEY_RING } from '@hookstream/secrets';
import { WorkflowConfigEnv, workflowLimitsOf } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', WORKFLOW_CONFIG_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' };

describe('workflow-config config', () => {
  it('applies the default workflow limits', () => {
    expect(workflowLimitsOf(loadConfig(WorkflowConfigEnv, base))).toEqual(DEFAULT_WORKFLOW_LIMITS);
  });

  it('takes other limits up to the contract ceilings, and refuses more', () => {
    const config = loadConfig(WorkflowConfigEnv, { ...base, WORKFLOW_MAX_ACTIONS: '50', WORKFLOW_MAX_STATE_BYTES: String(WORKFLOW_LIMIT_CEILINGS.stateBytes) });
    expect(workflowLimitsOf(config)).toMatchObject({ actions: 50, stateBytes: WORKFLOW_LIMIT_CEILINGS.stateBytes });
    expect(() => loadConfig(WorkflowConfigEnv, { ...base, WORKFLOW_MAX_STATE_BYTES: String(WORKFLOW_LIMIT_CEILINGS.stateBytes + 1) })).toThrow(/WORKFLOW_MAX_STATE_BYTES/);
    expect(() => loadConfig(WorkflowConfigEnv, { ...base, WORKFLOW_MAX_HEADERS: '0' })).toThrow(/WORKFLOW_MAX_HEADERS/);
  });

  it('caps workflows per tenant at 1,000 unless told otherwise, and refuses no cap at all', () => {
    expect(loadConfig(WorkflowConfigEnv, base).WORKFLOW_MAX_PER_TENANT).toBe(1_000);
    expect(loadConfig(WorkflowConfigEnv, { ...base, WORKFLOW_MAX_PER_TENANT: '5' }).WORKFLOW_MAX_PER_TENANT).toBe(5);
    for (const bad of ['0', '-1', '1.5', 'many']) expect(() => loadConfig(WorkflowConfigEnv, { ...base, WORKFLOW_MAX_PER_TENANT: bad })).toThrow(/WORKFLOW_MAX_PER_TENANT/);
  });
});

describe('workflow-config config topic check', () => {
  it('compares the config topic with the database every 5 minutes by default; 0 turns it off', () => {
    expect(loadConfig(WorkflowConfigEnv, base).CONFIG_TOPIC_CHECK_MS).toBe(300_000);
    expect(loadConfig(WorkflowConfigEnv, { ...base, CONFIG_TOPIC_CHECK_MS: '0' }).CONFIG_TOPIC_CHECK_MS).toBe(0);
    expect(() => loadConfig(WorkflowConfigEnv, { ...base, CONFIG_TOPIC_CHECK_MS: 'soon' })).toThrow(/CONFIG_TOPIC_CHECK_MS/);
  });
});

describe('workflow-config encryption keys', () => {
  const ring = `k2:${Buffer.alloc(32, 2).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;

  it('reads the key ring, the first key sealing', () => {
    expect(loadConfig(WorkflowConfigEnv, { ...base, HOOKSTREAM_ENCRYPTION_KEYS: ring }).HOOKSTREAM_ENCRYPTION_KEYS.primaryKeyId).toBe('k2');
    expect(() => loadConfig(WorkflowConfigEnv, { ...base, HOOKSTREAM_ENCRYPTION_KEYS: 'k1:short' })).toThrow(/HOOKSTREAM_ENCRYPTION_KEYS/);
  });

  it('refuses the development ring in production only', () => {
    expect(loadConfig(WorkflowConfigEnv, base).HOOKSTREAM_ENCRYPTION_KEYS.secretTexts).toEqual([DEVELOPMENT_KEY_RING]);
    expect(() => loadConfig(WorkflowConfigEnv, { ...base, NODE_ENV: 'production' })).toThrow(/HOOKSTREAM_ENCRYPTION_KEYS: is a published/);
    expect(() => loadConfig(WorkflowConfigEnv, { ...base, NODE_ENV: 'production', HOOKSTREAM_ENCRYPTION_KEYS: `${ring.split(',')[0]},compose-example:JRPPeYGEJodG5b1p+FEBM9ykebtLwLNNr+e6Hq0XNxE=` })).toThrow(/HOOKSTREAM_ENCRYPTION_KEYS: is a published/);
    expect(loadConfig(WorkflowConfigEnv, { ...base, NODE_ENV: 'production', INTERNAL_API_KEY: 'b'.repeat(40), HOOKSTREAM_ENCRYPTION_KEYS: ring }).NODE_ENV).toBe('production');
  });

  it('takes the rotation grace in hours, 24 by default', () => {
    expect(loadConfig(WorkflowConfigEnv, base).WEBHOOK_SECRET_ROTATION_GRACE_HOURS).toBe(24);
    expect(loadConfig(WorkflowConfigEnv, { ...base, WEBHOOK_SECRET_ROTATION_GRACE_HOURS: '0.001' }).WEBHOOK_SECRET_ROTATION_GRACE_HOURS).toBe(0.001);
  });
});
