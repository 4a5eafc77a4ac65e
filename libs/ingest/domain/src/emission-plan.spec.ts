import { Claim, distinctKeys, planEmission, ProducerKey, producerKeysOf, producerKeyString, shareClaims } from './emission-plan';
import { AcceptedProducerEvent, readProducerEvent } from './producer-event';

const accepted = (producerId: string | undefined, subject = 'pay_1', source = 'gateway'): AcceptedProducerEvent => {
  const result = readProducerEvent({ id: producerId, source, type: 'payment_approved', subject_id: subject, tenant: 'ten_a' });
  if (!result.ok) throw new Error(result.reason);
  return result.event;
};

function claimsFor(events: AcceptedProducerEvent[], decide: (producerId: string) => Claim): Map<string, Claim> {
  return new Map(producerKeysOf(events).map((k) => [producerKeyString(k), decide(k.producerId)]));
}

let counter = 0;
const nextId = () => `evt_fresh${++counter}`;

describe('planEmission', () => {
  it('emits in input order, whether or not an event has a producer id, so a subject keeps its order', () => {
    const events = [accepted('a'), accepted(undefined), accepted('b'), accepted(undefined)];
    const plan = planEmission(events, claimsFor(events, (id) => ({ kind: 'new', eventId: `evt_${id}` })), nextId);
    expect(plan.emit.map((e) => e.event)).toEqual(events);
    expect(plan.ids[0]).toBe('evt_a');
    expect(plan.ids[2]).toBe('evt_b');
    expect(plan.claimed.map((k) => k.producerId)).toEqual(['a', 'b']);
  });

  it('answers a duplicate with the original id and emits nothing for it', () => {
    const events = [accepted('seen'), accepted('fresh')];
    const plan = planEmission(events, claimsFor(events, (id) => ({ kind: id === 'seen' ? 'duplicate' : 'new', eventId: `evt_${id}` })), nextId);
    expect(plan.ids).toEqual(['evt_seen', 'evt_fresh']);
    expect(plan.emit.map((e) => e.eventId)).toEqual(['evt_fresh']);
    expect(plan.duplicates).toBe(1);
  });

  it('emits a claimed but unacknowledged id again, with the same evt id (a crash between claim and send)', () => {
    const events = [accepted('crashed')];
    const plan = planEmission(events, claimsFor(events, () => ({ kind: 'unpublished', eventId: 'evt_before' })), nextId);
    expect(plan.emit).toEqual([{ event: events[0], eventId: 'evt_before' }]);
    expect(plan.claimed).toHaveLength(1);
  });

  it('emits a producer id repeated within one batch once, and answers both with its id', () => {
    const events = [accepted('twice', 'pay_1'), accepted('other'), accepted('twice', 'pay_1')];
    expect(producerKeysOf(events)).toHaveLength(2);
    const plan = planEmission(events, claimsFor(events, (id) => ({ kind: 'new', eventId: `evt_${id}` })), nextId);
    expect(plan.ids).toEqual(['evt_twice', 'evt_other', 'evt_twice']);
    expect(plan.emit.map((e) => e.eventId)).toEqual(['evt_twice', 'evt_other']);
    expect(plan.duplicates).toBe(1);
  });

  it('keys dedup on tenant and source too: the same id from another source is another event', () => {
    const events = [accepted('same', 'pay_1', 'gateway'), accepted('same', 'dsp_1', 'dispute')];
    expect(producerKeysOf(events)).toHaveLength(2);
  });
});

describe('shareClaims', () => {
  const key = (producerId: string, source = 'gateway'): ProducerKey => ({ tenantId: 'ten_a', source, producerId });
  const claimsOf = (entries: [ProducerKey, Claim][]) => new Map(entries.map(([k, c]) => [producerKeyString(k), c]));

  it('gives each caller the claims of its own keys, and nothing of the others', () => {
    const shared = shareClaims(
      [[key('a')], [key('b'), key('c')]],
      claimsOf([
        [key('a'), { kind: 'new', eventId: 'evt_a' }],
        [key('b'), { kind: 'duplicate', eventId: 'evt_b' }],
        [key('c'), { kind: 'unpublished', eventId: 'evt_c' }],
      ]),
    );
    expect(shared.map((m) => [...m.values()])).toEqual([
      [{ kind: 'new', eventId: 'evt_a' }],
      [
        { kind: 'duplicate', eventId: 'evt_b' },
        { kind: 'unpublished', eventId: 'evt_c' },
      ],
    ]);
  });

  it('makes a key new to the first caller and claimed-but-unpublished to a later one: both emit it, with one id', () => {
    const shared = shareClaims([[key('x')], [key('y'), key('x')], [key('x')]], claimsOf([
      [key('x'), { kind: 'new', eventId: 'evt_x' }],
      [key('y'), { kind: 'new', eventId: 'evt_y' }],
    ]));
    expect(shared.map((m) => m.get(producerKeyString(key('x'))))).toEqual([
      { kind: 'new', eventId: 'evt_x' },
      { kind: 'unpublished', eventId: 'evt_x' },
      { kind: 'unpublished', eventId: 'evt_x' },
    ]);
    expect(shared[1].get(producerKeyString(key('y')))).toEqual({ kind: 'new', eventId: 'evt_y' });
  });

  it('answers a duplicate as a duplicate to every caller', () => {
    const shared = shareClaims([[key('d')], [key('d')]], claimsOf([[key('d'), { kind: 'duplicate', eventId: 'evt_d' }]]));
    expect(shared.map((m) => m.get(producerKeyString(key('d')))?.kind)).toEqual(['duplicate', 'duplicate']);
  });

  it('plans what each caller would have planned alone, had they come one after the other while the first was in flight', () => {
    const first = [accepted('p')];
    const second = [accepted('p'), accepted('q')];
    const keys = [producerKeysOf(first), producerKeysOf(second)];
    const [mine, theirs] = shareClaims(keys, claimsOf([
      [key('p'), { kind: 'new', eventId: 'evt_p' }],
      [key('q'), { kind: 'new', eventId: 'evt_q' }],
    ]));
    expect(planEmission(first, mine, nextId).ids).toEqual(['evt_p']);
    const plan = planEmission(second, theirs, nextId);
    expect(plan.ids).toEqual(['evt_p', 'evt_q']);
    expect(plan.emit.map((e) => e.eventId)).toEqual(['evt_p', 'evt_q']);
  });
});

describe('distinctKeys', () => {
  it('keeps each key once, in order of first appearance', () => {
    const k = (producerId: string, source = 'gateway'): ProducerKey => ({ tenantId: 'ten_a', source, producerId });
    expect(distinctKeys([k('b'), k('a'), k('b'), k('a', 'other')])).toEqual([k('b'), k('a'), k('a', 'other')]);
  });
});
