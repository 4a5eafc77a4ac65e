import { DataSource } from 'typeorm';
import type { KafkaConnection } from '@hookstream/messaging';
import { projectionGroupIds } from './projection-settings';

/**
 * Drops the read models' rows and forgets the projection's consumer offsets,
 * so that the next start replays the topics from the beginning (as far as
 * their retention reaches). Offsets go first: Kafka refuses to forget a group
 * with live members, so a projection still running stops the rebuild before
 * anything is cleared.
 */
export class ReadModelRebuild {
  constructor(
    private readonly db: DataSource,
    private readonly kafka: KafkaConnection,
    private readonly groupId: string,
  ) {}

  async run(): Promise<void> {
    try {
      await this.kafka.deleteGroups(Object.values(projectionGroupIds(this.groupId)).map((name) => this.kafka.groupId(name)));
    } catch (err) {
      throw new Error(`could not forget the consumer groups; is projection still running? Stop it first (${(err as Error).message})`);
    }
    // CONTINUE IDENTITY (the default, said aloud): the attempt feed's numbers keep growing, so a live tail's cursor never points past the replay.
    await this.db.query('TRUNCATE attempts, invocations, events CONTINUE IDENTITY');
  }
}
