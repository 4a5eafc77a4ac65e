// Scenario 1, the ceiling: the least a Kafka-to-webhook pipeline must do on
// this machine. A batch consumer on the inbound topic POSTs each message as it
// is to the receiver with undici (as many at once as delivery allows one
// endpoint) and commits; no validation, matching, database or outcomes.
// Runs in its own process, started by the orchestrator with:
//   KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, BARE_GROUP_ID, BARE_TARGET_URL, BARE_CONNECTIONS
import { Pool } from 'undici';
import { rejectedMessagesTopic, Topics } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const target = new URL(env('BARE_TARGET_URL'));
  const pool = new Pool(target.origin, { connections: Number(process.env.BARE_CONNECTIONS ?? 32), pipelining: 1 });
  const kafka = new KafkaConnection({
    brokers: env('KAFKA_BROKERS').split(','),
    clientId: 'bench-bare',
    topicPrefix: env('KAFKA_TOPIC_PREFIX'),
    logger: createLogger({ service: 'bench-bare', level: 'warn' }),
    deadLetter: rejectedMessagesTopic('bench-bare'),
  });
  await kafka.connect();
  await kafka.ensureTopics([Topics.producerEvents]);
  let failed = 0;
  const post = async (key: string | null, body: Buffer | null) => {
    const res = await pool.request({
      method: 'POST',
      path: target.pathname,
      headers: { 'content-type': 'application/json', 'webhook-id': key ?? '' },
      body: body ?? '{}',
    });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode > 299) failed++;
  };
  const consumer = kafka.consumer<Buffer | null>({
    groupId: env('BARE_GROUP_ID'),
    topics: [Topics.producerEvents],
    fromBeginning: true,
    // As event-ingest reads its inbound topics.
    partitionsConsumedConcurrently: 3,
    handle: async (messages) => {
      await Promise.all(messages.map((m) => post(m.key, m.value)));
    },
  });
  await consumer.start();
  await consumer.whenJoined();
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const stop = async () => {
    await kafka.disconnect();
    await pool.close();
    process.stdout.write(`${JSON.stringify({ failed })}\n`);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
