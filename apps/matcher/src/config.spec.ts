import { loadConfig } from '@hookstream/config';
import { indexCheckOf, MatcherEnv } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('matcher config', () => {
  it('compares the index with workflow-config every 15 s by default, a disagreement tolerated for 60 s', () => {
    expect(indexCheckOf(loadConfig(MatcherEnv, base))).toEqual({ workflowConfigUrl: 'http://127.0.0.1:3001', everyMs: 15_000, graceMs: 60_000 });
    expect(indexCheckOf(loadConfig(MatcherEnv, { ...base, WORKFLOW_CONFIG_URL: 'http://workflow-config:3001/', MATCHER_INDEX_DRIFT_GRACE_MS: '5000' }))).toMatchObject({
      workflowConfigUrl: 'http://workflow-config:3001',
      graceMs: 5_000,
    });
  });

  it('compares nothing with MATCHER_INDEX_CHECK_MS=0, and refuses a negative period', () => {
    expect(indexCheckOf(loadConfig(MatcherEnv, { ...base, MATCHER_INDEX_CHECK_MS: '0' }))).toBeUndefined();
    expect(() => loadConfig(MatcherEnv, { ...base, MATCHER_INDEX_CHECK_MS: '-1' })).toThrow(/MATCHER_INDEX_CHECK_MS/);
  });
});
