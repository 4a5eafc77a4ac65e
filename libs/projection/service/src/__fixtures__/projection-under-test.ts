import { Client } from 'pg';
import { Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { TestPlatform, TopicRecorder } from '@hookstream/testing';

/**
 * projection on a test platform, with a producer of the topics it reads, a
 * recorder of its dead letters, and a connection to its schema as its own
 * role.
 */
export class ProjectionUnderTest {
  readonly platform: TestPlatform;
  kafka!: KafkaConnection;
  db!: Client;
  deadLetters!: TopicRecorder;

  constructor(label: string, env?: Record<string, string>) {
    this.platform = new TestPlatform({ label, services: ['projection'], env });
  }

  /** The projection's schema in this run. */
  get schema(): string {
    return `${this.platform.prefix.toLowerCase()}projection`;
  }

  async start(): Promise<void> {
    this.kafka = await this.platform.kafka(`${this.platform.prefix}-producer`, [Topics.events, Topics.deliveryOutcomes, Topics.reflowRequests, Topics.projectionRejected]);
    this.deadLetters = await new TopicRecorder(this.platform.prefix, Topics.projectionRejected).start();
    await this.platform.start();
    this.db = new Client({ connectionString: this.platform.env().PROJECTION_DATABASE_URL });
    await this.db.connect();
  }

  async stop(): Promise<void> {
    await this.platform.stop();
    await this.db?.end();
    await this.deadLetters?.stop();
    await this.kafka?.disconnect();
  }
}
