import { loadConfig } from '@hookstream/config';
import { DEFAULT_WORKFLOW_LIMITS, WORKFLOW_LIMIT_CEILINGS } from '@hookstream/workflow-definition';
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
});
