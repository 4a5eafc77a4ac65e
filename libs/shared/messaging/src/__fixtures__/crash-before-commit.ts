// A consumer process that takes its batch and never finishes it: the parent
// test kills it with SIGKILL, as a crash between receive and commit.
import { decodeMessage, Topics } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { KafkaConnection } from '../kafka-connection';

async function main(): Promise<void> {
  const connection = new KafkaConnection({
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    clientId: 'crash-before-commit',
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX,
    logger: createLogger({ service: 'crash-before-commit', level: 'warn' }),
  });
  await connection.connect();
  await connection
    .consumer({
      groupId: process.env.GROUP_ID ?? '',
      topics: [Topics.reflowRequests],
      decode: (m) => decodeMessage(Topics.reflowRequests, m.value),
      deadLetter: Topics.matcherRejected,
      fromBeginning: true,
      sessionTimeoutMs: 6000,
      handle: () => {
        process.stdout.write('received\n');
        return new Promise<void>(() => undefined);
      },
    })
    .start();
}

void main();
