import { CanonicalEvent, isId, WorkflowState } from '@hookstream/contracts';
import { ConditionBody, sampleWorkflowState } from '@hookstream/testing';
import { CatalogSource, testSamples } from './test-samples';

const catalog: CatalogSource[] = [
  { id: 'gateway', events: [{ id: 'payment_approved' }, { id: 'payment_captured' }, { id: 'payment_declined' }] },
  { id: 'dispute', events: [{ id: 'dispute_won' }] },
  { id: 'orders', events: [{ id: 'order.created' }] },
];
const now = new Date('2026-11-22T10:00:00.000Z');

function samples(workflow: WorkflowState, types: string[]): CanonicalEvent[] {
  const result = testSamples(workflow, catalog, types, now);
  if (!result.ok) throw new Error(result.code);
  return result.events;
}

describe('testSamples', () => {
  const workflow = sampleWorkflowState({ conditionBodies: [{ type: 'event', events: { gateway: ['payment_approved', 'payment_captured'], dispute: ['dispute_won'] } }] });

  it('makes one flagged sample per listed type, from the source the workflow names it under', () => {
    const events = samples(workflow, ['payment_captured', 'dispute_won', 'payment_captured']);
    expect(events.map((e) => [e.source, e.type])).toEqual([
      ['gateway', 'payment_captured'],
      ['dispute', 'dispute_won'],
    ]);
    for (const event of events) {
      expect(isId('evt', event.id)).toBe(true);
      expect(event).toMatchObject({ tenant_id: workflow.tenant_id, metadata: { test: true }, data: { test: true }, timestamp: now.toISOString() });
    }
    expect(events[0].subject_id).toMatch(/^pay_[a-z2-7]{26}$/);
    expect(events[1].subject_id).toMatch(/^dsp_[a-z2-7]{26}$/);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('refuses a type the workflow does not listen to, or that no catalog source has', () => {
    expect(testSamples(workflow, catalog, ['payment_approved', 'payment_declined'], now)).toEqual({ ok: false, code: 'event_types_invalid' });
    const uncatalogued = sampleWorkflowState({ conditionBodies: [{ type: 'event', events: { gateway: ['payment_approved', 'not_in_catalog'] } }] });
    expect(testSamples(uncatalogued, catalog, ['not_in_catalog'], now)).toEqual({ ok: false, code: 'event_types_invalid' });
  });

  it('takes any catalogued type when the workflow has no event condition', () => {
    const anyEvent = sampleWorkflowState({ conditionBodies: [{ type: 'entity', entities: ['ent_abc'] }] });
    expect(samples(anyEvent, ['order.created'])[0]).toMatchObject({ source: 'orders', subject_id: expect.stringMatching(/^ord_/) });
    expect(testSamples(anyEvent, catalog, ['nope'], now)).toEqual({ ok: false, code: 'event_types_invalid' });
  });

  it('passes the workflow’s entity and processing channel conditions', () => {
    const conditions: ConditionBody[] = [
      { type: 'event', events: { gateway: ['payment_approved'] } },
      { type: 'entity', entities: ['ent_first', 'ent_second'] },
      { type: 'processing_channel', processing_channels: ['pc_one'] },
    ];
    const narrow = sampleWorkflowState({ conditionBodies: conditions });
    expect(samples(narrow, ['payment_approved'])[0]).toMatchObject({ entity_id: 'ent_first', processing_channel_id: 'pc_one' });
    expect(samples(workflow, ['payment_approved'])[0]).toMatchObject({ entity_id: null, processing_channel_id: null });
  });

  it('gives a source named like an Object property the plain tst_ prefix', () => {
    const hostile: CatalogSource[] = [{ id: 'constructor', events: [{ id: 'payment_approved' }] }];
    const result = testSamples(sampleWorkflowState({ conditionBodies: [{ type: 'entity', entities: ['ent_abc'] }] }), hostile, ['payment_approved'], now);
    expect(result).toMatchObject({ ok: true, events: [{ source: 'constructor', subject_id: expect.stringMatching(/^tst_[a-z2-7]{26}$/) }] });
  });
});
