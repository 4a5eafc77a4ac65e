import { DataSource } from 'typeorm';
import type { KafkaConnection } from '@hookstream/messaging';

/**
 * Drops the read models' rows and forgets the projection's consumer offsets,
 * so that the next start replays the topics from the beginning (as far as
 * their retention reaches). Run it with the projection service stopped.
 */
export class ReadModelRebuild {
  constructor(
    private readonly db: DataSource,
    private readonly kafka: KafkaConnection,
    private readonly groupId: string,
  ) {}

  async run(): Promise<void> {
    await this.kafka.deleteGroups([`${this.groupId}-events`, `${this.groupId}-outcomes`]);
    await this.db.query('TRUNCATE attempts, invocations, events');
  }
}
