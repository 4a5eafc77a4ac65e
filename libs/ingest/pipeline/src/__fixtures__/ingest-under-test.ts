import { Topics, TopicSpec } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { TestPlatform, TopicRecorder } from '@hookstream/testing';

/**
 * event-ingest on a test platform, beside workflow-config (whose event-type
 * catalog it checks against), with recorders of what it publishes and
 * dead-letters.
 */
export class IngestUnderTest {
  readonly platform: TestPlatform;
  kafka!: KafkaConnection;
  events!: TopicRecorder;
  rejected!: TopicRecorder;

  constructor(label: string, env?: Record<string, string>) {
    this.platform = new TestPlatform({ label, services: ['event-ingest', 'workflow-config'], env });
  }

  async start(inbound: readonly TopicSpec[] = [Topics.producerEvents]): Promise<void> {
    this.kafka = await this.platform.kafka(`${this.platform.prefix}-producer`, [...inbound, Topics.events, Topics.ingestRejected]);
    this.events = await new TopicRecorder(this.platform.prefix, Topics.events).start();
    this.rejected = await new TopicRecorder(this.platform.prefix, Topics.ingestRejected).start();
    await this.platform.start();
  }

  async stop(): Promise<void> {
    await this.platform.stop();
    await Promise.all([this.events?.stop(), this.rejected?.stop(), this.kafka?.disconnect()]);
  }
}
