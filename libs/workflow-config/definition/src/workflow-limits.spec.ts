import { RetryScheduleBounds, Topics, WorkflowCeilings, WorkflowState } from '@hookstream/contracts';
import { createWorkflow } from './workflow-changes';
import { newSigningSecret } from './workflow-secrets';
import { readActionInput, readConditionInput, readWorkflowInput, readWorkflowPatch } from './workflow-input';
import {
  DEFAULT_WORKFLOW_LIMITS,
  WORKFLOW_LIMIT_CEILINGS,
  workflowLimitCodes,
  WorkflowLimits,
} from './workflow-limits';
import { readSubscriptionInput } from './subscription';

const DAY = 24 * 3_600_000;
const limits = DEFAULT_WORKFLOW_LIMITS;
const action = (extra: Record<string, unknown> = {}) => ({ type: 'webhook', url: 'https://example.com/hook', ...extra });
const body = (extra: Record<string, unknown> = {}) => ({
  name: 'Bounded',
  conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
  actions: [action()],
  ...extra,
});
const codesOf = (read: { ok: boolean; codes?: string[] }) => (read.ok ? [] : read.codes);
const ctx = { now: new Date('2026-12-01T00:00:00.000Z'), newSigningSecret };

describe('retry delays', () => {
  it('takes 1 s to 7 days each, at most 25, at most 30 days in all', () => {
    const retryDelaysWithinBounds = (delays: unknown[]) => readActionInput(action({ retry_policy: delays })).ok;
    expect(retryDelaysWithinBounds([])).toBe(true);
    expect(retryDelaysWithinBounds([1_000, 7 * DAY])).toBe(true);
    expect(retryDelaysWithinBounds(Array.from({ length: 25 }, () => DAY))).toBe(true);
    expect(retryDelaysWithinBounds([999])).toBe(false);
    expect(retryDelaysWithinBounds([7 * DAY + 1])).toBe(false);
    expect(retryDelaysWithinBounds([300_000_000_000_000])).toBe(false);
    expect(retryDelaysWithinBounds(Array.from({ length: 26 }, () => 1_000))).toBe(false);
    expect(retryDelaysWithinBounds([7 * DAY, 7 * DAY, 7 * DAY, 7 * DAY, 3 * DAY])).toBe(false);
    for (const bad of [Number.NaN, Infinity, -1_000, '1000', null]) expect(retryDelaysWithinBounds([bad])).toBe(false);
  });

  it('answers retry_policy_invalid at the API, and the contract refuses what no date can hold', () => {
    expect(codesOf(readActionInput(action({ retry_policy: [300_000_000_000_000] })))).toEqual(['retry_policy_invalid']);
    expect(codesOf(readActionInput(action({ retry_policy: [10] })))).toEqual(['retry_delay_too_short']);
    expect(codesOf(readActionInput(action({ retry_policy: 'hourly' })))).toEqual(['retry_policy_invalid']);
    for (const preset of ['checkout', 'caf', 'mycashflow', 'standard-webhooks']) expect(readActionInput(action({ retry_policy: preset })).ok).toBe(true);
    const state = createWorkflow('ten_a', { name: 'x', active: true, conditions: [], actions: [{ type: 'webhook', url: 'https://e.com', headers: {} }] }, ctx);
    const withDelays = (delays: number[]): WorkflowState => ({ ...state, actions: [{ ...state.actions[0], retry_policy: delays }] });
    expect(Topics.workflowConfig.schema.safeParse(withDelays([300_000_000_000_000])).success).toBe(false);
    expect(Topics.workflowConfig.schema.safeParse(withDelays(Array.from({ length: 5 }, () => 7 * DAY))).success).toBe(false);
    expect(Topics.workflowConfig.schema.safeParse(withDelays([RetryScheduleBounds.maxDelayMs])).success).toBe(true);
  });

  it('keeps timeout_ms between 1 ms and a minute', () => {
    expect(readActionInput(action({ timeout_ms: 60_000 })).ok).toBe(true);
    for (const bad of [0, 60_001, 1.5, 1e308, '1000']) expect(codesOf(readActionInput(action({ timeout_ms: bad })))).toEqual(['timeout_ms_invalid']);
  });
});

describe('what one workflow may hold', () => {
  it.each([
    ['actions_too_many', body({ actions: Array.from({ length: limits.actions + 1 }, () => action()) })],
    ['condition_type_duplicate', body({ conditions: Array.from({ length: 4 }, () => ({ type: 'entity', entities: ['ent_a'] })) })],
    ['entities_too_many', body({ conditions: [{ type: 'entity', entities: Array.from({ length: limits.conditionValues + 1 }, (_, i) => `ent_${i}`) }] })],
    [
      'processing_channels_too_many',
      body({ conditions: [{ type: 'processing_channel', processing_channels: Array.from({ length: limits.conditionValues + 1 }, (_, i) => `pc_${i}`) }] }),
    ],
    ['events_too_many', body({ conditions: [{ type: 'event', events: Object.fromEntries(Array.from({ length: limits.eventSources + 1 }, (_, i) => [`s${i}`, ['t']])) }] })],
    ['events_too_many', body({ conditions: [{ type: 'event', events: { gateway: Array.from({ length: limits.eventTypes + 1 }, (_, i) => `t${i}`) } }] })],
    ['entity_id_invalid', body({ conditions: [{ type: 'entity', entities: [`ent_${'a'.repeat(101)}`] }] })],
    ['headers_too_many', body({ actions: [action({ headers: Object.fromEntries(Array.from({ length: limits.headers + 1 }, (_, i) => [`X-H${i}`, 'v'])) })] })],
    ['headers_too_large', body({ actions: [action({ headers: { 'X-Big': 'v'.repeat(limits.headerBytes) } })] })],
    ['url_too_long', body({ actions: [action({ url: `https://example.com/${'p'.repeat(limits.urlLength)}` })] })],
    ['url_required', body({ actions: [{ type: 'webhook' }] })],
    ['signature_key_too_long', body({ actions: [action({ signature: { key: 'k'.repeat(limits.signatureKeyLength + 1) } })] })],
    ['name_too_long', body({ name: 'n'.repeat(limits.nameLength + 1) })],
  ])('%s', (code, input) => {
    expect(codesOf(readWorkflowInput(input))).toContain(code);
    expect(codesOf(readWorkflowPatch(input))).toContain(code);
  });

  it('applies configured limits, not only the defaults', () => {
    const tight: WorkflowLimits = { ...limits, actions: 1, urlLength: 30 };
    expect(codesOf(readWorkflowInput(body({ actions: [action(), action()] }), tight))).toEqual(['actions_too_many']);
    expect(codesOf(readActionInput(action({ url: 'https://example.com/a-rather-long-path' }), tight))).toEqual(['url_too_long']);
  });

  it('checks the whole state after a change: actions added one by one, and its total bytes', () => {
    const input = readWorkflowInput(body({ actions: Array.from({ length: limits.actions }, () => action()) }));
    if (!input.ok) throw new Error(input.codes.join());
    const full = createWorkflow('ten_a', input.value, ctx);
    expect(workflowLimitCodes(full, limits)).toEqual([]);
    const oneMore = { ...full, actions: [...full.actions, full.actions[0]] };
    expect(workflowLimitCodes(oneMore, limits)).toEqual(['actions_too_many']);
    const heavy = { ...full, actions: full.actions.map((a) => ({ ...a, headers: { 'X-Pad': 'v'.repeat(4_000) } })) };
    expect(workflowLimitCodes(heavy, limits)).toEqual(['workflow_too_large']);
  });

  it('has defaults within the ceilings the contract enforces', () => {
    for (const key of Object.keys(limits) as (keyof WorkflowLimits)[]) expect(limits[key]).toBeLessThanOrEqual(WORKFLOW_LIMIT_CEILINGS[key]);
    expect(WORKFLOW_LIMIT_CEILINGS.stateBytes).toBe(WorkflowCeilings.stateBytes);
  });
});

describe('headers', () => {
  const codes = (headers: Record<string, string>) => codesOf(readActionInput(action({ headers })));

  it('takes tokens for names and printable values', () => {
    expect(codes({ Authorization: 'Bearer 70ed20ff', 'X-Trace_id.1': 'a\tb ÿ' })).toEqual([]);
  });

  it.each([
    ['header_name_invalid', { 'Bad Name': 'v' }],
    ['header_name_invalid', { 'X-\u0000': 'v' }],
    ['header_name_invalid', { 'X-Ünï': 'v' }],
    ['header_name_invalid', { '': 'v' }],
    ['header_name_reserved', { 'Content-Length': '1' }],
    ['header_name_reserved', { host: 'evil.example' }],
    ['header_name_reserved', { 'webhook-signature': 'v1,forged' }],
    ['header_name_reserved', { 'X-Hookstream-Tenant': 'ten_other' }],
    ['header_name_reserved', { 'Proxy-Authorization': 'Basic x' }],
    ['header_name_reserved', { Expect: '100-continue' }],
    ['header_name_reserved', { Upgrade: 'websocket' }],
    ['header_name_reserved', { 'Keep-Alive': 'timeout=5' }],
    ['header_name_reserved', { TE: 'trailers' }],
    ['header_name_reserved', { 'Proxy-Connection': 'close' }],
    ['header_name_reserved', { 'x-hookstream-actor': 'admin' }],
    ['header_name_reserved', { 'Cko-Signature': 'forged' }],
    ['header_name_reserved', { 'X-MyCashflow-Topic': 'forged' }],
    ['header_name_reserved', { 'ce-source': 'forged' }],
    ['header_value_invalid', { 'X-A': 'a\u0000b' }],
    ['header_value_invalid', { 'X-A': 'a\r\nInjected: yes' }],
    ['header_value_invalid', { 'X-A': '\ud800' }],
    ['header_value_invalid', { 'X-A': '✓' }],
  ])('%s: %j', (code, headers) => {
    expect(codes(headers)).toContain(code);
  });

  it('refuses a __proto__ header from JSON rather than lose it', () => {
    expect(codesOf(readActionInput(action({ headers: JSON.parse('{"__proto__":"x"}') })))).toEqual(['header_name_invalid']);
  });
});

describe('text Postgres and UTF-8 cannot hold', () => {
  it.each([
    ['name_invalid', body({ name: 'a\u0000b' })],
    ['name_invalid', body({ name: 'a\ud800' })],
    ['url_invalid', body({ actions: [action({ url: 'https://example.com/\u0000' })] })],
    ['events_invalid', body({ conditions: [{ type: 'event', events: { 'gate\u0000way': ['payment_approved'] } }] })],
    ['events_invalid', body({ conditions: [{ type: 'event', events: { gateway: ['pay\ud800'] } }] })],
    ['events_invalid', body({ conditions: [{ type: 'event', events: JSON.parse('{"__proto__":["payment_approved"]}') }] })],
    ['signature_invalid', body({ actions: [action({ signature: { key: 'k\u0000' } })] })],
  ])('%s', (code, input) => {
    expect(codesOf(readWorkflowInput(input))).toContain(code);
  });

  it('subscriptions: topic, expands and url', () => {
    const sub = { topic: 'order.created', url: 'https://example.com/hook' };
    expect(readSubscriptionInput(sub).ok).toBe(true);
    expect(codesOf(readSubscriptionInput({ ...sub, url: undefined }))).toEqual(['url_required']);
    expect(codesOf(readSubscriptionInput({ ...sub, url: `https://example.com/${'p'.repeat(limits.urlLength)}` }))).toEqual(['url_too_long']);
    expect(codesOf(readSubscriptionInput({ ...sub, expands: ['pay\u0000ments'] }))).toEqual(['expands_invalid']);
    expect(codesOf(readSubscriptionInput({ ...sub, expands: Array.from({ length: 101 }, (_, i) => `f${i}`) }))).toEqual(['expands_invalid']);
    expect(codesOf(readSubscriptionInput({ ...sub, topic: 'order\ud800' }))).toEqual(['event_type_unknown']);
  });

  it('conditions read alone earn the same codes', () => {
    expect(codesOf(readConditionInput({ type: 'entity', entities: Array.from({ length: limits.conditionValues + 1 }, (_, i) => `ent_${i}`) }))).toEqual([
      'entities_too_many',
    ]);
  });
});
