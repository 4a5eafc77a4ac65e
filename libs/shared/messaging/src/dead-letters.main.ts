// The operator's dead-letter command (scripts/dead-letters.sh): lists a
// dead-letter topic as JSON lines, or replays letters to their original topic.
import { KafkaEnv, loadConfigOrExit } from '@hookstream/config';
import { createLogger } from '@hookstream/logging';
import { DEAD_LETTER_USAGE, parseDeadLetterCommand } from './dead-letter-command';
import { DeadLetterReplay } from './dead-letter-replay';
import { KafkaConnection } from './kafka-connection';
import { kafkaSecurityFromEnv } from './kafka-client-options';
import { topicCreationFromEnv } from './topic-creation';

async function main(): Promise<number> {
  const command = parseDeadLetterCommand(process.argv.slice(2));
  if (command.kind === 'usage') {
    process.stderr.write(`${command.error ? `${command.error}\n` : ''}${DEAD_LETTER_USAGE}\n`);
    return command.error ? 2 : 0;
  }
  // The same Kafka variables as the services, TLS and SASL included.
  const env = loadConfigOrExit(KafkaEnv);
  const connection = new KafkaConnection({
    brokers: env.KAFKA_BROKERS,
    clientId: 'dead-letters',
    security: kafkaSecurityFromEnv(env),
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    topicCreation: topicCreationFromEnv(env),
    // The outcome is printed; kafkajs' own retries would only be noise here.
    logger: createLogger({ service: 'dead-letters', level: 'fatal' }),
  });
  await connection.connect();
  try {
    const replay = new DeadLetterReplay(connection);
    if (command.kind === 'list') {
      for (const letter of await replay.list(command.topic)) process.stdout.write(`${JSON.stringify(letter)}\n`);
      return 0;
    }
    const result = await replay.replay(command.topic, command.selection);
    for (const s of result.skipped) process.stderr.write(`skipped partition ${s.partition} offset ${s.offset}: ${s.why}\n`);
    process.stdout.write(`replayed ${result.replayed} dead letter(s) from ${command.topic}\n`);
    return result.skipped.length > 0 ? 1 : 0;
  } finally {
    await connection.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  },
);
