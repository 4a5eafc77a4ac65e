// Messages/s through the two ways a service could host a batch consumer, on
// the real broker: ConsumerHost (what the services use), and a NestJS
// microservices custom transport strategy whose handlers are @EventPattern
// controllers. Run: node -r ./tools/ts-register.js libs/shared/messaging/bench/consumer-hosting.bench.ts [messages] [rounds]
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, CustomTransportStrategy, EventPattern, Payload, Server } from '@nestjs/microservices';
import { lastValueFrom, isObservable } from 'rxjs';
import { rejectedMessagesTopic, TopicSpec } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { BatchConsumer, BatchScope, ConsumedMessage, ConsumerHost, KafkaConnection } from '@hookstream/messaging';

const MESSAGES = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const topic: TopicSpec = { name: 'bench.hosting.v1', partitions: 6 };
const value = JSON.stringify({ id: 'evt_x', padding: 'p'.repeat(200) });

let received = 0;
let joinedAt = 0;
let allIn: () => void = () => undefined;
const count = (n: number) => {
  received += n;
  if (received >= MESSAGES) allIn();
};
/** Measured from the moment the group assigned the partitions: joining takes the same seconds either way. */
const timeFromJoin = (consumer: BatchConsumer<unknown>) => void consumer.whenJoined().then(() => (joinedAt = performance.now()));

/** Batches in, each handed to the @EventPattern handler of its topic's pattern, awaited (so commits keep their meaning). */
class BatchConsumerTransport extends Server implements CustomTransportStrategy {
  constructor(
    private readonly host: ConsumerHost,
    private readonly round: number,
  ) {
    super();
  }

  listen(callback: () => void): void {
    for (const pattern of this.messageHandlers.keys()) {
      const consumer = this.host.add<Buffer | null>({
        groupId: `nest-${this.round}`,
        topics: [{ name: pattern, partitions: topic.partitions }],
        fromBeginning: true,
        partitionsConsumedConcurrently: topic.partitions,
        handle: async (messages, scope) => {
          const handler = this.getHandlerByPattern(pattern);
          if (!handler) throw new Error(`no handler for ${pattern}`);
          // Server.handleEvent does not wait for an async handler's end: the batch would be committed before its work.
          const result: unknown = await handler(messages, scope);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        },
      });
      timeFromJoin(consumer as BatchConsumer<unknown>);
    }
    void this.host.start().then(callback);
  }

  async close(): Promise<void> {
    await this.host.stop();
  }

  on(): void {
    throw new Error('no events');
  }

  unwrap<T>(): T {
    throw new Error('nothing to unwrap');
  }
}

@Controller()
class BenchController {
  @EventPattern(topic.name)
  async handle(@Payload() messages: ConsumedMessage<Buffer | null>[], @Ctx() _scope: BatchScope): Promise<void> {
    count(messages.length);
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

async function timed(start: () => Promise<void>): Promise<number> {
  received = 0;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  await start();
  await done;
  return MESSAGES / ((performance.now() - joinedAt) / 1000);
}

async function main(): Promise<void> {
  const prefix = `bench-hosting-${Date.now()}-`;
  const connection = (name: string) =>
    new KafkaConnection({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: name,
      topicPrefix: prefix,
      logger: createLogger({ service: name, level: 'warn' }),
      deadLetter: rejectedMessagesTopic('bench'),
    });
  const producer = connection('producer');
  await producer.connect();
  await producer.ensureTopics([topic]);
  for (let i = 0; i < MESSAGES; i += 5_000) {
    await producer.publisher.publishEncoded(topic, Array.from({ length: Math.min(5_000, MESSAGES - i) }, (_, j) => ({ key: `k${i + j}`, value })));
  }
  const results: { host: number; nest: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Each run reads the topic whole under a new group (its prefix): fromBeginning.
    const direct = connection(`host-${round}`);
    await direct.connect();
    const host = new ConsumerHost(direct);
    timeFromJoin(host.add<Buffer | null>({ groupId: `host-${round}`, topics: [topic], fromBeginning: true, partitionsConsumedConcurrently: topic.partitions, handle: async (m) => count(m.length) }) as BatchConsumer<unknown>);
    const hostRate = await timed(() => host.start());
    await host.stop();
    await direct.disconnect();

    const viaNest = connection(`nest-${round}`);
    await viaNest.connect();
    const app = await NestFactory.createMicroservice(BenchModule, { strategy: new BatchConsumerTransport(new ConsumerHost(viaNest), round), logger: false });
    const nestRate = await timed(() => app.listen());
    await app.close();
    await viaNest.disconnect();
    results.push({ host: Math.round(hostRate), nest: Math.round(nestRate) });
    process.stdout.write(`${JSON.stringify({ round, messages: MESSAGES, ...results[round] })}\n`);
  }
  await producer.deleteEverythingPrefixed();
  await producer.disconnect();
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
