import { CanonicalEvent } from './event';
import { CONDITION_TYPES, conditionEntry, conditionInput, ConditionRegistry, conditionsHold, WorkflowCondition } from './conditions';
import { readWith } from './input-codes';
import { DefaultWorkflowLimits } from './workflow-limits';

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  id: 'evt_az2jzfgwpbnetbzm3lnjqb3ywa',
  tenant_id: 'ten_a',
  source: 'gateway',
  type: 'payment_approved',
  subject_id: 'pay_1',
  entity_id: 'ent_1',
  processing_channel_id: 'pc_1',
  timestamp: '2026-12-01T00:00:00.000Z',
  version: '1.0.0',
  data: {},
  metadata: {},
  received_at: '2026-12-01T00:00:00.000Z',
  ...overrides,
});
const id = 'wfc_tgbvbc7gd5zupdgk7ogqyuomje';
type Of<K extends WorkflowCondition['type']> = Extract<WorkflowCondition, { type: K }>;
const onApproved: Of<'event'> = { id, type: 'event', events: { gateway: ['payment_approved'], dispute: ['dispute_won'] } };
const onEntities: Of<'entity'> = { id, type: 'entity', entities: ['ent_1', 'ent_2', 'ent_1'] };
const onChannels: Of<'processing_channel'> = { id, type: 'processing_channel', processing_channels: ['pc_1'] };
const read = (body: unknown) => readWith(conditionInput(DefaultWorkflowLimits), body);
const codesOf = (body: unknown) => {
  const result = read(body);
  return result.ok ? [] : result.codes;
};
const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('the condition registry', () => {
  it('has an entry for every condition type the contract stores, and no other', () => {
    expect(CONDITION_TYPES).toEqual(WorkflowCondition.options.map((o) => o.shape.type.value));
  });

  it('reads what it stores: a valid body of each type is its condition without the id', () => {
    for (const condition of [onApproved, onEntities, onChannels]) {
      const { id: _, ...body } = condition;
      expect(read(body)).toEqual({ ok: true, value: body });
      expect(WorkflowCondition.safeParse({ id, ...body }).success).toBe(true);
    }
  });

  it.each([
    ['condition_invalid', 'not an object'],
    ['condition_invalid', null],
    ['condition_type_invalid', { type: 'payload' }],
    ['condition_type_invalid', {}],
    ['field_unknown', { type: 'event', events: { gateway: ['payment_approved'] }, extra: 1 }],
  ])('answers %s for %j', (code, body) => {
    expect(codesOf(body)).toEqual([code]);
  });
});

describe('event', () => {
  const entry = ConditionRegistry.event;

  it.each([
    ['events_required', {}],
    ['events_required', ['gateway']],
    ['events_invalid', { gateway: [] }],
    ['events_invalid', { gateway: 'payment_approved' }],
    ['events_invalid', { 'gate\u0000way': ['payment_approved'] }],
    ['events_invalid', JSON.parse('{"__proto__":["payment_approved"]}')],
    ['events_too_many', Object.fromEntries(Array.from({ length: DefaultWorkflowLimits.eventSources + 1 }, (_, i) => [`s${i}`, ['t']]))],
    ['events_too_many', { gateway: Array.from({ length: DefaultWorkflowLimits.eventTypes + 1 }, (_, i) => `t${i}`) }],
  ])('answers %s', (code, events) => {
    expect(codesOf({ type: 'event', events })).toEqual([code]);
  });

  it('holds for a named (source, type) only, never through a prototype', () => {
    expect(entry.holds(onApproved, event())).toBe(true);
    expect(entry.holds(onApproved, event({ type: 'payment_captured' }))).toBe(false);
    expect(entry.holds(onApproved, event({ source: 'dispute' }))).toBe(false);
    for (const name of prototypeNames) expect(entry.holds(onApproved, event({ source: name, type: name }))).toBe(false);
  });

  it('files under each (source, type) once and finds the event by its own', () => {
    expect(entry.index.keysOf({ ...onApproved, events: { gateway: ['payment_approved', 'payment_approved'] } })).toEqual(['gateway\u0000payment_approved']);
    expect(entry.index.keysOf(onApproved)).toContain(entry.index.keyOf(event()));
    expect(entry.index.keysOf(onApproved)).toContain(entry.index.keyOf(event({ source: 'dispute', type: 'dispute_won' })));
  });

  it('is checked by its keys alone unless a source or type holds a NUL (a key would then split two ways)', () => {
    expect(entry.index.exact(onApproved)).toBe(true);
    const ambiguous = { ...onApproved, events: { gate: ['way\u0000payment_approved'] } };
    expect(entry.index.exact(ambiguous)).toBe(false);
    expect(entry.index.keysOf(ambiguous)).toContain(entry.index.keyOf(event({ source: 'gate\u0000way', type: 'payment_approved' })));
    expect(entry.holds(ambiguous, event({ source: 'gate\u0000way', type: 'payment_approved' }))).toBe(false);
    expect(entry.index.exact({ ...onApproved, events: { 'gate\u0000way': ['payment_approved'] } })).toBe(false);
  });

  it('keeps a sample that passes and refuses one that cannot', () => {
    expect(entry.sample(onApproved, event())).toEqual(event());
    expect(entry.sample(onApproved, event({ source: 'orders' }))).toBeNull();
  });
});

describe('entity', () => {
  const entry = ConditionRegistry.entity;

  it.each([
    ['entities_required', undefined],
    ['entities_required', []],
    ['entity_id_invalid', ['pc_1']],
    ['entity_id_invalid', [`ent_${'a'.repeat(101)}`]],
    ['entity_id_invalid', [7]],
    ['entities_too_many', Array.from({ length: DefaultWorkflowLimits.conditionValues + 1 }, (_, i) => `ent_${i}`)],
  ])('answers %s', (code, entities) => {
    expect(codesOf({ type: 'entity', entities })).toEqual([code]);
  });

  it('holds for a listed entity only, not for an event without one', () => {
    expect(entry.holds(onEntities, event())).toBe(true);
    expect(entry.holds(onEntities, event({ entity_id: 'ent_3' }))).toBe(false);
    expect(entry.holds(onEntities, event({ entity_id: null }))).toBe(false);
  });

  it('files under each entity once; an event without an entity has no key', () => {
    expect(entry.index.keysOf(onEntities)).toEqual(['ent_1', 'ent_2']);
    expect(entry.index.keyOf(event())).toBe('ent_1');
    expect(entry.index.keyOf(event({ entity_id: null }))).toBeNull();
    expect(entry.index.exact(onEntities)).toBe(true);
  });

  it('gives the sample its first entity', () => {
    expect(entry.sample(onEntities, event({ entity_id: null }))).toEqual(event({ entity_id: 'ent_1' }));
  });
});

describe('processing_channel', () => {
  const entry = ConditionRegistry.processing_channel;

  it.each([
    ['processing_channels_required', 'pc_1'],
    ['processing_channel_id_invalid', ['ent_1']],
    ['processing_channels_too_many', Array.from({ length: DefaultWorkflowLimits.conditionValues + 1 }, (_, i) => `pc_${i}`)],
  ])('answers %s', (code, processing_channels) => {
    expect(codesOf({ type: 'processing_channel', processing_channels })).toEqual([code]);
  });

  it('holds for a listed channel only', () => {
    expect(entry.holds(onChannels, event())).toBe(true);
    expect(entry.holds(onChannels, event({ processing_channel_id: 'pc_2' }))).toBe(false);
    expect(entry.holds(onChannels, event({ processing_channel_id: null }))).toBe(false);
  });

  it('is not indexed: the matcher checks it with holds', () => {
    expect(entry.index).toBeNull();
  });

  it('gives the sample its first channel', () => {
    expect(entry.sample(onChannels, event({ processing_channel_id: null }))).toEqual(event());
  });
});

describe('conditionsHold', () => {
  it('asks every condition of its own type', () => {
    expect(conditionsHold([onApproved, onEntities, onChannels], event())).toBe(true);
    expect(conditionsHold([onApproved, onEntities, onChannels], event({ processing_channel_id: 'pc_9' }))).toBe(false);
    expect(conditionsHold([], event())).toBe(true);
    expect(conditionEntry(onEntities)).toBe(ConditionRegistry.entity);
  });
});
