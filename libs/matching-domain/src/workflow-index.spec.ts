import { CanonicalEvent, newId, WorkflowState } from '@hookstream/contracts';
import { ConditionBody, sampleAction, sampleCanonicalEvent, sampleWorkflowState } from '@hookstream/testing';
import { deliveryJobsFor } from './delivery-jobs';
import { conditionsHold, WorkflowIndex } from './workflow-index';

const now = '2026-11-22T10:00:00.000Z';
const action = sampleAction;
const workflow = (conditionBodies: ConditionBody[], overrides: Partial<WorkflowState> = {}) =>
  sampleWorkflowState({ tenant_id: 'ten_a', conditionBodies, ...overrides });
const event = (overrides: Partial<CanonicalEvent> = {}) =>
  sampleCanonicalEvent({ tenant_id: 'ten_a', subject_id: 'pay_1', entity_id: 'ent_1', processing_channel_id: 'pc_1', ...overrides });

const onApproved = { type: 'event' as const, events: { gateway: ['payment_approved', 'payment_declined'] } };

describe('conditionsHold', () => {
  it('event: the source lists the type', () => {
    expect(conditionsHold(workflow([onApproved]), event())).toBe(true);
    expect(conditionsHold(workflow([onApproved]), event({ type: 'payment_captured' }))).toBe(false);
    expect(conditionsHold(workflow([onApproved]), event({ source: 'dispute' }))).toBe(false);
  });

  it('entity: the event entity is listed; an event without entity does not match', () => {
    const w = workflow([{ type: 'entity', entities: ['ent_1', 'ent_2'] }]);
    expect(conditionsHold(w, event())).toBe(true);
    expect(conditionsHold(w, event({ entity_id: 'ent_3' }))).toBe(false);
    expect(conditionsHold(w, event({ entity_id: null }))).toBe(false);
  });

  it('processing_channel: the event channel is listed', () => {
    const w = workflow([{ type: 'processing_channel', processing_channels: ['pc_1'] }]);
    expect(conditionsHold(w, event())).toBe(true);
    expect(conditionsHold(w, event({ processing_channel_id: 'pc_2' }))).toBe(false);
    expect(conditionsHold(w, event({ processing_channel_id: null }))).toBe(false);
  });

  it('combinations: every condition must hold', () => {
    const w = workflow([onApproved, { type: 'entity', entities: ['ent_1'] }, { type: 'processing_channel', processing_channels: ['pc_1'] }]);
    expect(conditionsHold(w, event())).toBe(true);
    expect(conditionsHold(w, event({ processing_channel_id: 'pc_9' }))).toBe(false);
    expect(conditionsHold(w, event({ entity_id: 'ent_9' }))).toBe(false);
  });

  it('absent condition types do not restrict', () => {
    expect(conditionsHold(workflow([{ type: 'entity', entities: ['ent_1'] }]), event({ source: 'dispute', type: 'dispute_won' }))).toBe(true);
  });
});

describe('WorkflowIndex', () => {
  it('matches only active workflows of the event tenant', () => {
    const index = new WorkflowIndex();
    const mine = workflow([onApproved]);
    const inactive = workflow([onApproved], { active: false });
    const otherTenant = workflow([onApproved], { tenant_id: 'ten_b' });
    for (const w of [mine, inactive, otherTenant]) index.apply(w.id, w);
    expect(index.match(event()).map((w) => w.id)).toEqual([mine.id]);
    expect(index.size).toBe(2);
  });

  it('includes workflows without an event condition for every event type of the tenant', () => {
    const index = new WorkflowIndex();
    const anyEvent = workflow([{ type: 'entity', entities: ['ent_1'] }]);
    index.apply(anyEvent.id, anyEvent);
    expect(index.match(event({ source: 'dispute', type: 'dispute_won' }))).toHaveLength(1);
  });

  it('a change replaces the indexed state; a tombstone or deactivation removes it', () => {
    const index = new WorkflowIndex();
    const w = workflow([onApproved]);
    index.apply(w.id, w);
    index.apply(w.id, { ...w, version: 2, conditions: [{ id: newId('wfc'), type: 'event', events: { gateway: ['payment_captured'] } }] });
    expect(index.match(event())).toEqual([]);
    expect(index.match(event({ type: 'payment_captured' }))).toHaveLength(1);
    index.apply(w.id, { ...w, active: false });
    expect(index.match(event())).toEqual([]);
    index.apply(w.id, w);
    index.apply(w.id, null);
    expect(index.match(event())).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('drops a workflow whose every action is disabled', () => {
    const index = new WorkflowIndex();
    const w = workflow([onApproved], { actions: [action({ disabled_at: now, disabled_reason: '410 Gone' })] });
    index.apply(w.id, w);
    expect(index.match(event())).toEqual([]);
  });

  it('restricts to the given workflow ids (reflow)', () => {
    const index = new WorkflowIndex();
    const a = workflow([onApproved]);
    const b = workflow([onApproved]);
    index.apply(a.id, a);
    index.apply(b.id, b);
    expect(index.match(event(), new Set([b.id])).map((w) => w.id)).toEqual([b.id]);
  });
});

describe('deliveryJobsFor', () => {
  it('makes one job per enabled action with a stable invocation id', () => {
    const w = workflow([onApproved], { actions: [action(), action({ disabled_at: now }), action({ url: 'https://b.example/x' })] });
    const e = event();
    const jobs = deliveryJobsFor(e, [w], { now: new Date(now) });
    expect(jobs.map((j) => j.target_url)).toEqual(['https://merchant.example/webhooks', 'https://b.example/x']);
    expect(jobs[0].invocation_id).toMatch(/^ivc_[a-z2-7]{26}$/);
    expect(deliveryJobsFor(e, [w], { now: new Date() })[0].invocation_id).toBe(jobs[0].invocation_id);
    expect(jobs[0]).toMatchObject({ attempt: 1, workflow_id: w.id, workflow_version: 1, tenant_id: 'ten_a' });
    expect(jobs[0].reflow).toBeUndefined();
  });

  it("lets the event's metadata.webhook_url override the action URL (CAF)", () => {
    const jobs = deliveryJobsFor(event({ metadata: { webhook_url: 'https://caf.example/cb' } }), [workflow([onApproved])], { now: new Date(now), reflow: true });
    expect(jobs[0].target_url).toBe('https://caf.example/cb');
    expect(jobs[0].reflow).toBe(true);
  });
});
