import { createLogger } from '@hookstream/logging';
import type { BatchConsumer, BatchConsumerOptions } from './batch-consumer';
import { ConsumerHost } from './consumer-host';
import type { KafkaConnection } from './kafka-connection';

/** A consumer that records what the host does with it. */
class StubConsumer {
  readonly calls: string[] = [];
  hasJoined = false;
  health: Error | undefined;
  failStart: Error | undefined;

  constructor(readonly groupId: string) {}

  async start(): Promise<void> {
    this.calls.push('start');
    if (this.failStart) throw this.failStart;
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
  }

  healthError(): Error | undefined {
    return this.health;
  }
}

function setup() {
  const consumers: StubConsumer[] = [];
  const deleted: string[] = [];
  const connection = {
    logger: createLogger({ service: 'test', level: 'silent' }),
    consumer: (options: BatchConsumerOptions<unknown>) => {
      const consumer = new StubConsumer(`prefix.${options.groupId}`);
      consumers.push(consumer);
      return consumer as unknown as BatchConsumer<unknown>;
    },
    deleteGroups: async (groups: string[]) => void deleted.push(...groups),
  } as unknown as KafkaConnection;
  return { host: new ConsumerHost(connection), consumers, deleted };
}

const options = (groupId: string, extra: Partial<Parameters<ConsumerHost['add']>[0]> = {}) => ({ groupId, topics: [], handle: async () => undefined, ...extra });

async function readiness(host: ConsumerHost): Promise<Map<string, string>> {
  const report = new Map<string, string>();
  for (const [name, check] of host.checks()) report.set(name, await check().then(() => 'up', (err: Error) => err.message));
  return report;
}

describe('ConsumerHost', () => {
  it('is ready per consumer once it joined, and not while it is stuck or failed to start', async () => {
    const { host, consumers } = setup();
    host.add(options('events'));
    host.add(options('outcomes'));
    const [events, outcomes] = consumers;
    outcomes.failStart = new Error('no broker');
    await host.start();
    expect(await readiness(host)).toEqual(
      new Map([
        ['consumer events', 'consumer events has not joined its group yet'],
        ['consumer outcomes', 'no broker'],
      ]),
    );
    events.hasJoined = true;
    expect((await readiness(host)).get('consumer events')).toBe('up');
    events.health = new Error('stuck at topic t partition 0 offset 5 after 11 tries');
    expect((await readiness(host)).get('consumer events')).toMatch(/stuck at/);
  });

  it('starts a consumer only after what it waits for, and not at all once stopping', async () => {
    const { host, consumers } = setup();
    let loaded!: () => void;
    const index = new Promise<void>((resolve) => (loaded = resolve));
    host.add(options('live', { beforeStart: () => index }));
    const started = host.start();
    await Promise.resolve();
    expect(consumers[0].calls).toEqual([]);
    const stopped = host.stop();
    loaded();
    await Promise.all([started, stopped]);
    expect(consumers[0].calls).toEqual(['stop']);
  });

  it('gives a per-instance group a name of its own, and deletes it after stopping, once however often it is stopped', async () => {
    const { host, consumers, deleted } = setup();
    host.add(options('index', { perInstance: true }));
    host.add(options('shared'));
    await host.start();
    await Promise.all([host.stop(), host.stop()]);
    expect(consumers[0].groupId).toMatch(/^prefix\.index-[0-9a-f]{12}$/);
    expect(consumers[1].groupId).toBe('prefix.shared');
    expect(deleted).toEqual([consumers[0].groupId]);
    expect(consumers.map((c) => c.calls)).toEqual([
      ['start', 'stop'],
      ['start', 'stop'],
    ]);
  });

  it('refuses a consumer added after it started: it would never be started or stopped', async () => {
    const { host } = setup();
    await host.start();
    expect(() => host.add(options('late'))).toThrow(/after its host started/);
  });
});
