import type { Producer, TopicMessages } from 'kafkajs';
import { z } from 'zod';
import { defineTopic } from '@hookstream/contracts';
import type { Clock } from './clock';
import { encodeMessage, InvalidOutgoingMessageError, MessagePublisher, resendDelayMs } from './message-publisher';

const contract = defineTopic({ name: 'test.thing.happened.v1', partitions: 1, schema: z.object({ n: z.number() }).nullable(), key: (v) => `k${v.n}` });
const other = { ...contract, name: 'test.other.happened.v1' };

/** A producer whose requests stay pending until the test settles them. */
class StubProducer {
  readonly requests: { topicMessages: TopicMessages[]; settle: (err?: Error) => void }[] = [];

  sendBatch = ({ topicMessages }: { topicMessages: TopicMessages[] }) =>
    new Promise<void>((resolve, reject) => this.requests.push({ topicMessages, settle: (err) => (err ? reject(err) : resolve()) }));

  /** "topic:n" of each message of request i, in order. */
  sent(i: number): string[] {
    return this.requests[i].topicMessages.flatMap((t) => t.messages.map((m) => `${t.topic.split('.')[1]}:${JSON.parse(String(m.value)).n}`));
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const things = (...ns: number[]) => ns.map((n) => ({ value: { n } }));

/** A clock whose timers run when the test says: the waits asked for, and a way to end them. */
function manualClock() {
  const pending: (() => void)[] = [];
  const waits: number[] = [];
  const clock: Clock = {
    now: () => 0,
    setTimeout: (fn, ms) => {
      waits.push(ms);
      pending.push(fn);
      return undefined as unknown as NodeJS.Timeout;
    },
    clearTimeout: () => undefined,
  };
  return { clock, waits, elapse: () => pending.splice(0).forEach((fn) => fn()) };
}

/** What kafkajs rejects with when its one try met a retriable cause (a broker gone, a leader moved). */
const retriesExceeded = (message: string) => Object.assign(new Error(message), { name: 'KafkaJSNumberOfRetriesExceeded' });

function setup(maxRequestBytes?: number, attempts = 3) {
  const producer = new StubProducer();
  const time = manualClock();
  const errors: string[] = [];
  const publisher = new MessagePublisher(producer as unknown as Producer, (spec) => spec.name, maxRequestBytes, { attempts, clock: time.clock }, { inc: ({ topic, reason }) => errors.push(`${topic} ${reason}`) });
  const settled: string[] = [];
  const track = (name: string, p: Promise<void>) => p.then(() => settled.push(`${name} ok`), (err: Error) => settled.push(`${name} failed: ${err.message}`));
  return { producer, publisher, settled, track, time, errors };
}

describe('MessagePublisher', () => {
  it('sends what was published during a request together in the next one, in call order, and resolves each publish on its ack', async () => {
    const { producer, publisher, settled, track } = setup();
    track('a', publisher.publish(contract, things(1, 2)));
    await tick();
    track('b', publisher.publish(contract, things(3)));
    track('c', publisher.publishEncodedMany([{ topic: other, messages: things(4).map((m) => encodeMessage(other, m)) }, { topic: contract, messages: things(5).map((m) => encodeMessage(contract, m)) }]));
    await tick();
    expect(producer.requests).toHaveLength(1);
    expect(producer.sent(0)).toEqual(['thing:1', 'thing:2']);

    producer.requests[0].settle();
    await tick();
    expect(settled).toEqual(['a ok']);
    expect(producer.requests).toHaveLength(2);
    // Grouped by topic, each topic's messages in call order.
    expect(producer.sent(1)).toEqual(['thing:3', 'thing:5', 'other:4']);

    producer.requests[1].settle();
    await tick();
    expect([...settled].sort()).toEqual(['a ok', 'b ok', 'c ok']);
  });

  it('splits a publish too big for one request, in order, and resolves it after its last part', async () => {
    const { producer, publisher, settled, track } = setup(200);
    // Each message is about 64 + 2 + 8 bytes: two fit in 200.
    track('big', publisher.publish(contract, things(1, 2, 3, 4, 5)));
    await tick();
    expect(producer.sent(0)).toEqual(['thing:1', 'thing:2']);
    producer.requests[0].settle();
    await tick();
    expect(producer.sent(1)).toEqual(['thing:3', 'thing:4']);
    producer.requests[1].settle();
    await tick();
    expect(settled).toEqual([]);
    expect(producer.sent(2)).toEqual(['thing:5']);
    producer.requests[2].settle();
    await tick();
    expect(settled).toEqual(['big ok']);
  });

  it('sends a single message larger than the bound alone', async () => {
    const { producer, publisher, track } = setup(100);
    track('huge', publisher.publishEncoded(contract, [{ key: 'k', value: 'x'.repeat(500) }, { key: 'k', value: '{"n":2}' }]));
    await tick();
    expect(producer.requests[0].topicMessages[0].messages).toHaveLength(1);
  });

  it('fails the publishes of a failed request, drops their parts not yet sent, and goes on with the others', async () => {
    const { producer, publisher, settled, track } = setup(200);
    track('split', publisher.publish(contract, things(1, 2, 3)));
    await tick();
    track('later', publisher.publish(contract, things(9)));
    producer.requests[0].settle(new Error('broker gone'));
    await tick();
    expect(settled).toEqual(['split failed: broker gone']);
    // thing:3 belonged to the failed publish: not sent.
    expect(producer.sent(1)).toEqual(['thing:9']);
    producer.requests[1].settle();
    await tick();
    expect(settled).toEqual(['split failed: broker gone', 'later ok']);
  });

  it('sends a request that met a passing failure again, whole, as a new request after a backoff', async () => {
    const { producer, publisher, settled, track, time } = setup();
    track('a', publisher.publish(contract, things(1, 2)));
    await tick();
    // Part of it may have reached a healthy broker: the next try carries all of it (at least once, never lost).
    producer.requests[0].settle(retriesExceeded('NOT_LEADER_OR_FOLLOWER'));
    await tick();
    expect(producer.requests).toHaveLength(1);
    expect(time.waits).toEqual([resendDelayMs(1)]);
    time.elapse();
    await tick();
    expect(producer.sent(1)).toEqual(['thing:1', 'thing:2']);
    producer.requests[1].settle();
    await tick();
    expect(settled).toEqual(['a ok']);
  });

  it('fails the publish once the tries are used, waiting longer before each', async () => {
    const { producer, publisher, settled, track, time } = setup(undefined, 3);
    track('a', publisher.publish(contract, things(1)));
    for (let i = 0; i < 3; i++) {
      await tick();
      producer.requests[i].settle(retriesExceeded('broker gone'));
      await tick();
      time.elapse();
    }
    await tick();
    expect(producer.requests).toHaveLength(3);
    expect(time.waits).toEqual([resendDelayMs(1), resendDelayMs(2)]);
    expect(settled).toEqual(['a failed: broker gone']);
  });

  it('counts each failed request per topic in it: resent while tries are left, then failed; a refused request fails at once', async () => {
    const { producer, publisher, track, time, errors } = setup(undefined, 2);
    track('a', publisher.publishEncodedMany([{ topic: contract, messages: things(1).map((m) => encodeMessage(contract, m)) }, { topic: other, messages: things(2).map((m) => encodeMessage(other, m)) }]));
    await tick();
    producer.requests[0].settle(retriesExceeded('broker gone'));
    await tick();
    time.elapse();
    await tick();
    producer.requests[1].settle(retriesExceeded('broker gone'));
    await tick();
    track('b', publisher.publish(contract, things(3)));
    await tick();
    producer.requests[2].settle(new Error('MESSAGE_TOO_LARGE'));
    await tick();
    expect(errors).toEqual([
      'test.thing.happened.v1 resent',
      'test.other.happened.v1 resent',
      'test.thing.happened.v1 failed',
      'test.other.happened.v1 failed',
      'test.thing.happened.v1 failed',
    ]);
  });

  it('backs off from 100 ms, doubling, to at most 10 s', () => {
    expect([1, 2, 3, 4, 8, 9, 20].map(resendDelayMs)).toEqual([100, 200, 400, 800, 10_000, 10_000, 10_000]);
  });

  it('refuses a message its contract does not allow, before anything is sent', async () => {
    const { producer, publisher } = setup();
    await expect(publisher.publish(contract, [{ value: { n: 'one' } as unknown as { n: number } }])).rejects.toBeInstanceOf(InvalidOutgoingMessageError);
    expect(producer.requests).toHaveLength(0);
  });

  it('keys each message as its topic defines, and a tombstone by the key given', async () => {
    const { producer, publisher } = setup();
    void publisher.publish(contract, [{ value: { n: 7 } }, { tombstone: 'k8' }]);
    await tick();
    expect(producer.requests[0].topicMessages[0].messages.map((m) => [m.key, m.value])).toEqual([
      ['k7', '{"n":7}'],
      ['k8', null],
    ]);
  });

  it('sends nothing for an empty publish', async () => {
    const { producer, publisher } = setup();
    await publisher.publish(contract, []);
    await publisher.publishEncodedMany([{ topic: contract, messages: [] }]);
    expect(producer.requests).toHaveLength(0);
  });
});
