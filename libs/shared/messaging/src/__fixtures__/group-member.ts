// A group member in its own process: prints "joined <partitions>" once it
// has its partitions and "got <value>" per message; on SIGTERM it stops as a
// service does (its consumers leave the group) and exits.
import { rejectedMessagesTopic } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { KafkaConnection } from '../kafka-connection';

async function main(): Promise<void> {
  const connection = new KafkaConnection({
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    clientId: 'group-member',
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX,
    logger: createLogger({ service: 'group-member', level: 'warn' }),
  });
  await connection.connect();
  const consumer = connection.consumer<Buffer | null>({
    groupId: process.env.GROUP_ID ?? '',
    topics: [{ name: process.env.TOPIC ?? '', partitions: 2 }],
    deadLetter: rejectedMessagesTopic('test'),
    fromBeginning: true,
    handle: async (messages) => {
      for (const m of messages) process.stdout.write(`got ${String(m.value)}\n`);
    },
  });
  await consumer.start();
  await consumer.whenJoined();
  process.stdout.write(`joined ${JSON.stringify([...consumer.assignment().values()].flat())}\n`);
  process.once('SIGTERM', () => {
    void connection.disconnect().finally(() => process.exit(0));
  });
}

void main();
