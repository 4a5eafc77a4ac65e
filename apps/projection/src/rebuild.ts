// Rebuilds the read models from the topics: stop every projection replica,
// run this (npm run projection:rebuild, or scripts/run-service.sh projection
// --rebuild), then start projection: it replays the topics from their start.
// It refuses, clearing nothing, while a projection consumer is still running.
import 'reflect-metadata';
import { createLogger } from '@hookstream/logging';
import { KafkaConnection, kafkaSecurityFromEnv, topicCreationFromEnv } from '@hookstream/messaging';
import { openServiceDataSource } from '@hookstream/persistence';
import { ProjectionMigrations, ReadModelRebuild } from '@hookstream/projection-service';
import { loadProjectionConfig, projectionSchema, projectionSettings } from './config';

async function main(): Promise<void> {
  const config = loadProjectionConfig();
  const logger = createLogger({ service: 'projection-rebuild', level: config.LOG_LEVEL });
  const db = await openServiceDataSource({ url: config.PROJECTION_DATABASE_URL, schema: projectionSchema(config), migrations: ProjectionMigrations });
  const kafka = new KafkaConnection({ brokers: config.KAFKA_BROKERS, clientId: 'projection-rebuild', security: kafkaSecurityFromEnv(config), topicPrefix: config.KAFKA_TOPIC_PREFIX, topicCreation: topicCreationFromEnv(config), logger });
  await kafka.connect();
  try {
    await new ReadModelRebuild(db, kafka, projectionSettings(config).groupId).run();
    logger.info('read models cleared and offsets forgotten: start projection to replay the topics');
  } finally {
    await kafka.disconnect();
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`rebuild failed: ${(err as Error).message}\n`);
  process.exit(1);
});
