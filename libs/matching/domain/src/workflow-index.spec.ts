import { CanonicalEvent, fingerprintOf, newId, readWorkflowConfig, WorkflowState } from '@hookstream/contracts';
import { ConditionBody, sampleAction, sampleCanonicalEvent, sampleWorkflowState } from '@hookstream/testing';
import { deliveryJobsFor, jobBytes, MAX_JOB_BYTES, sortBySize } from './delivery-jobs';
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

  it('prototype names in any event field neither throw nor match', () => {
    const w = workflow([onApproved, { type: 'entity', entities: ['ent_1'] }, { type: 'processing_channel', processing_channels: ['pc_1'] }]);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(conditionsHold(w, event({ source: name }))).toBe(false);
      expect(conditionsHold(w, event({ type: name }))).toBe(false);
      expect(conditionsHold(w, event({ entity_id: name, processing_channel_id: name }))).toBe(false);
      const index = new WorkflowIndex();
      index.apply(w.id, w);
      expect(index.match(event({ source: name, type: name }))).toEqual([]);
      expect(index.match(event({ tenant_id: name }))).toEqual([]);
      expect(index.match(event({ source: name }), { workflowIds: [w.id, name] })).toEqual([]);
    }
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

  it('restricts to the given workflow ids (reflow), still of the event tenant and with conditions holding', () => {
    const index = new WorkflowIndex();
    const a = workflow([onApproved]);
    const b = workflow([onApproved]);
    const otherTenant = workflow([onApproved], { tenant_id: 'ten_b' });
    const otherType = workflow([{ type: 'event', events: { gateway: ['payment_captured'] } }]);
    for (const w of [a, b, otherTenant, otherType]) index.apply(w.id, w);
    expect(index.match(event(), { workflowIds: [b.id] }).map((w) => w.id)).toEqual([b.id]);
    expect(index.match(event(), { workflowIds: [otherTenant.id, otherType.id, 'wf_unknown'] })).toEqual([]);
  });

  it('files workflows by entity: an event meets only its own entity, and workflows with no entity condition', () => {
    const index = new WorkflowIndex();
    const perEntity = Array.from({ length: 50 }, (_, i) => workflow([onApproved, { type: 'entity', entities: [`ent_${i}`, 'ent_shared'] }]));
    const anyEntity = workflow([onApproved]);
    for (const w of [...perEntity, anyEntity]) index.apply(w.id, w);
    expect(index.match(event({ entity_id: 'ent_7' })).map((w) => w.id).sort()).toEqual([perEntity[7].id, anyEntity.id].sort());
    expect(index.match(event({ entity_id: 'ent_shared' }))).toHaveLength(51);
    expect(index.match(event({ entity_id: null })).map((w) => w.id)).toEqual([anyEntity.id]);
    index.apply(perEntity[7].id, null);
    expect(index.match(event({ entity_id: 'ent_7' })).map((w) => w.id)).toEqual([anyEntity.id]);
  });

  it('still matches exactly when a workflow names too many (type, entity) pairs to file them all', () => {
    const index = new WorkflowIndex();
    const types = Array.from({ length: 40 }, (_, i) => `type_${i}`);
    const entities = Array.from({ length: 40 }, (_, i) => `ent_${i}`);
    const wide = workflow([{ type: 'event', events: { gateway: types } }, { type: 'entity', entities }]);
    index.apply(wide.id, wide);
    expect(index.match(event({ type: 'type_3', entity_id: 'ent_39' }))).toHaveLength(1);
    expect(index.match(event({ type: 'type_3', entity_id: 'ent_40' }))).toEqual([]);
    index.apply(wide.id, null);
    expect(index.size).toBe(0);
    expect(index.match(event({ type: 'type_3', entity_id: 'ent_39' }))).toEqual([]);
  });

  it('finds exactly what a scan of every workflow finds (random workflows, changes and events)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const some = <T,>(items: readonly T[]): T[] => items.filter(() => random() < 0.4).concat(pick(items));
    const [tenants, sources, types, entities, channels] = [['ten_a', 'ten_b'], ['gateway', 'dispute'], ['t1', 't2', 't3'], ['ent_1', 'ent_2', 'ent_3'], ['pc_1', 'pc_2']];
    const randomWorkflow = (id?: string): WorkflowState => {
      const conditions: ConditionBody[] = [];
      if (random() < 0.8) conditions.push({ type: 'event', events: Object.fromEntries(some(sources).map((src) => [src, some(types)])) });
      if (random() < 0.5) conditions.push({ type: 'entity', entities: some(entities) });
      if (random() < 0.3) conditions.push({ type: 'processing_channel', processing_channels: some(channels) });
      const w = sampleWorkflowState({ tenant_id: pick(tenants), active: random() < 0.85, conditionBodies: conditions });
      return id ? { ...w, id } : w;
    };
    const index = new WorkflowIndex();
    const current = new Map<string, WorkflowState | null>();
    for (let i = 0; i < 400; i++) {
      const id = i < 300 || current.size === 0 ? newId('wf') : pick([...current.keys()]);
      const state = random() < 0.1 ? null : randomWorkflow(id);
      index.apply(id, state);
      current.set(id, state);
    }
    const live = [...current.values()].filter((w): w is WorkflowState => w !== null && w.active);
    expect(index.size).toBe(live.length);
    for (let i = 0; i < 300; i++) {
      const e = event({ tenant_id: pick(tenants), source: pick(sources), type: pick(types), entity_id: random() < 0.2 ? null : pick(entities), processing_channel_id: pick([...channels, null]) });
      const expected = live.filter((w) => w.tenant_id === e.tenant_id && conditionsHold(w, e)).map((w) => w.id).sort();
      expect(index.match(e).map((w) => w.id).sort()).toEqual(expected);
    }
  });

  it('fingerprints what it holds, whatever the order it was told', () => {
    const a = workflow([onApproved]);
    const b = workflow([{ type: 'entity', entities: ['ent_1'] }]);
    const one = new WorkflowIndex();
    const two = new WorkflowIndex();
    one.apply(a.id, a);
    one.apply(b.id, b);
    two.apply(b.id, { ...b, version: 2 });
    two.apply(a.id, a);
    expect(two.fingerprint()).not.toBe(one.fingerprint());
    two.apply(b.id, b);
    expect(two.fingerprint()).toBe(one.fingerprint());
    // The rule workflow-config computes what the index should hold with.
    expect(one.fingerprint()).toBe(fingerprintOf([a, b]));
  });

  it('summarises what it holds with some workflows left out, deliverable ones only', () => {
    const a = workflow([onApproved]);
    const b = workflow([onApproved], { version: 4 });
    const inactive = workflow([onApproved], { active: false });
    const allDisabled = workflow([onApproved], { actions: [action({ disabled_at: now })] });
    const index = new WorkflowIndex();
    for (const w of [a, b, inactive, allDisabled]) index.apply(w.id, w);
    expect(index.summary()).toEqual({ workflows: 2, fingerprint: fingerprintOf([a, b]) });
    expect(index.summary([b.id, b.id, 'wf_unknown', inactive.id])).toEqual({ workflows: 1, fingerprint: fingerprintOf([a]) });
    // Leaving out changes nothing held.
    expect(index.summary()).toEqual({ workflows: 2, fingerprint: fingerprintOf([a, b]) });
    index.apply(a.id, null);
    expect(index.summary()).toEqual({ workflows: 1, fingerprint: fingerprintOf([b]) });
  });
});

describe('WorkflowIndex keeps states as their bytes', () => {
  const decoded = (state: WorkflowState): WorkflowState => {
    const read = readWorkflowConfig(state.id, Buffer.from(JSON.stringify(state)));
    if (!('state' in read) || read.state === null) throw new Error(`sample outside the contract: ${JSON.stringify(read)}`);
    return read.state;
  };

  it('parses back exactly the state the config topic decoded, every optional field included', () => {
    const full = decoded(
      workflow([onApproved, { type: 'entity', entities: ['ent_1'] }, { type: 'processing_channel', processing_channels: ['pc_1'] }], {
        name: 'ünïcode ✓ \u0000 "quoted"',
        actions: [
          action({ headers: { 'X-Key': 'v' }, signature: { method: 'HMACSHA256', key: 'k' }, retry_policy: [0, 1000], previous_secrets_expire_at: now }),
          action({ format: 'cloudevents', cloudevents_mode: 'binary', disabled_at: now, disabled_reason: '410 Gone' }),
        ],
        subscription: { uuid: '9b2f2c1e-8f5c-4b0e-9a47-3c7f5d1e2a10', topic: 'order.created', expands: ['lines'] },
      }),
    );
    const bare = decoded(workflow([]));
    const index = new WorkflowIndex();
    index.apply(full.id, full);
    index.apply(bare.id, bare);
    expect(index.get(full.id)).toStrictEqual(full);
    expect(index.get(full.id)).not.toBe(full);
    expect(index.get(bare.id)).toStrictEqual(bare);
    expect(index.match(event()).map((w) => w.id).sort()).toEqual([full.id, bare.id].sort());
    expect(index.match(event()).find((w) => w.id === full.id)).toStrictEqual(full);
  });

  it('a replaced workflow is never answered from its earlier parse', () => {
    const index = new WorkflowIndex();
    const w = workflow([onApproved]);
    index.apply(w.id, w);
    expect(index.match(event())[0].actions[0].url).toBe('https://merchant.example/webhooks');
    const changed = { ...w, version: 2, actions: [action({ url: 'https://b.example/x' })] };
    index.apply(w.id, changed);
    expect(index.match(event())).toStrictEqual([changed]);
    expect(index.get(w.id)).toStrictEqual(changed);
    index.apply(w.id, null);
    expect(index.get(w.id)).toBeUndefined();
    expect(index.match(event())).toEqual([]);
    expect(index.match(event(), { workflowIds: [w.id] })).toEqual([]);
  });

  it('matches exactly through many more workflows than it keeps parsed, again and again', () => {
    const index = new WorkflowIndex();
    const perEntity = Array.from({ length: 3000 }, (_, i) => workflow([onApproved, { type: 'entity', entities: [`ent_${i}`] }]));
    for (const w of perEntity) index.apply(w.id, w);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < perEntity.length; i += 7) expect(index.match(event({ entity_id: `ent_${i}` }))).toStrictEqual([perEntity[i]]);
    }
    expect(index.match(event({ entity_id: null }), { workflowIds: perEntity.map((w) => w.id) })).toEqual([]);
    expect(index.match(event({ entity_id: 'ent_11' }), { workflowIds: perEntity.map((w) => w.id) })).toStrictEqual([perEntity[11]]);
  });

  it('gives back the bytes of deleted and replaced workflows, and still finds every one kept', () => {
    const index = new WorkflowIndex();
    // ~20 KB each: deleting most of them frees well past what triggers a repack.
    const big = (i: number, version = 1) => workflow([onApproved, { type: 'entity', entities: [`ent_${i}`] }], { version, actions: [action({ headers: { 'X-Pad': `${i}`.repeat(20_000 / String(i).length) } })] });
    const states = Array.from({ length: 1000 }, (_, i) => big(i));
    for (const w of states) index.apply(w.id, w);
    // A third left where they are, scattered: their slabs stay, mostly freed.
    for (let i = 0; i < states.length; i++) {
      if (i % 3 === 0) continue;
      if (i % 10 === 0) states[i] = { ...big(i, 2), id: states[i].id };
      index.apply(states[i].id, i % 10 === 0 ? states[i] : null);
    }
    const kept = states.filter((_, i) => i % 10 === 0 || i % 3 === 0);
    expect(index.size).toBe(kept.length);
    expect(index.fingerprint()).toBe(fingerprintOf(kept));
    for (const w of kept) expect(index.get(w.id)).toStrictEqual(w);
    for (let i = 0; i < states.length; i++) expect(index.match(event({ entity_id: `ent_${i}` })).map((w) => w.id)).toEqual(kept.includes(states[i]) ? [states[i].id] : []);
  });
});

describe('WorkflowIndex where a key could be read two ways', () => {
  it('checks an event condition whose source or type holds a NUL, and a condition value that looks like ANY', () => {
    const index = new WorkflowIndex();
    const nul = workflow([{ type: 'event', events: { gate: ['way\u0000payment_approved'] } }]);
    const anyLike = workflow([{ type: 'event', events: { '': ['any'] } }]);
    const anyEntity = workflow([onApproved, { type: 'entity', entities: ['\u0000any'] }]);
    for (const w of [nul, anyLike, anyEntity]) index.apply(w.id, w);
    expect(index.match(event({ source: 'gate\u0000way', type: 'payment_approved' }))).toEqual([]);
    expect(index.match(event({ source: 'gate', type: 'way\u0000payment_approved' })).map((w) => w.id)).toEqual([nul.id]);
    expect(index.match(event())).toEqual([]);
    expect(index.match(event({ source: '', type: 'any' })).map((w) => w.id)).toEqual([anyLike.id]);
    expect(index.match(event({ entity_id: '\u0000any' })).map((w) => w.id)).toEqual([anyEntity.id]);
  });
});

describe('deliveryJobsFor', () => {
  it('makes one job per enabled action with a stable invocation id', () => {
    const w = workflow([onApproved], { actions: [action(), action({ disabled_at: now }), action({ url: 'https://b.example/x' })] });
    const e = event();
    const jobs = deliveryJobsFor(e, [w], { now: new Date(now) });
    expect(jobs.map((j) => j.action.url)).toEqual(['https://merchant.example/webhooks', 'https://b.example/x']);
    expect(jobs[0].invocation_id).toMatch(/^ivc_[a-z2-7]{26}$/);
    expect(deliveryJobsFor(e, [w], { now: new Date() })[0].invocation_id).toBe(jobs[0].invocation_id);
    expect(jobs[0]).toMatchObject({ attempt: 1, workflow_id: w.id, workflow_version: 1, tenant_id: 'ten_a' });
    expect(jobs[0].reflow).toBeUndefined();
  });

  it("carries the event's metadata.webhook_url for delivery to decide on (CAF)", () => {
    const jobs = deliveryJobsFor(event({ metadata: { webhook_url: 'https://caf.example/cb' } }), [workflow([onApproved])], { now: new Date(now), reflow: true });
    expect(jobs[0].event.metadata.webhook_url).toBe('https://caf.example/cb');
    expect(jobs[0].reflow).toBe(true);
  });

  it('a test sample, though it comes the reflow way, is no reflow (its first attempt is not a retry)', () => {
    const jobs = deliveryJobsFor(event({ metadata: { test: true } }), [workflow([onApproved])], { now: new Date(now), reflow: true });
    expect(jobs[0].reflow).toBeUndefined();
  });
});

describe('job sizes', () => {
  const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  it("measures a job's JSON from its event's size, measured once", () => {
    const e = event({ data: { note: 'ünïcode ✓', blob: 'x'.repeat(1000) } });
    const [job] = deliveryJobsFor(e, [workflow([onApproved])], { now: new Date(now) });
    expect(jobBytes(job, bytesOf(e))).toBe(bytesOf(job));
  });

  it('sets apart the jobs past the limit, and keeps the rest with their sizes', () => {
    const heavy = action({ headers: { 'X-Padding': 'h'.repeat(60_000) } });
    const light = action();
    const e = event({ data: { blob: 'b'.repeat(990_000) } });
    const jobs = deliveryJobsFor(e, [workflow([onApproved], { actions: [heavy, light] })], { now: new Date(now) });
    const { fitting, oversized } = sortBySize(jobs, bytesOf(e));
    expect(fitting.map((s) => s.job.action.id)).toEqual([light.id]);
    expect(oversized.map((s) => s.job.action.id)).toEqual([heavy.id]);
    expect(oversized[0].bytes).toBeGreaterThan(MAX_JOB_BYTES);
    expect(fitting[0].bytes).toBe(bytesOf(fitting[0].job));
  });
});
