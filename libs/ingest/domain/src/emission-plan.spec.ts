import { Claim, planEmission, producerKeysOf, producerKeyString } from './emission-plan';
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
