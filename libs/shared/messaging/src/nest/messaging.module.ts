import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { TopicSpec } from '@hookstream/contracts';
import type { KafkaEnv } from '@hookstream/config';
import type { Logger } from '@hookstream/logging';
import { Metrics, ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { ConsumerHost } from '../consumer-host';
import { ConsumerDefaults, KafkaConnection } from '../kafka-connection';
import { KafkaSecurity, kafkaSecurityFromEnv } from '../kafka-client-options';
import { TopicCreation, topicCreationFromEnv } from '../topic-creation';

export interface MessagingOptions {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
  topicPrefix?: string;
  /** Replicas, min.insync.replicas and partitions of the topics this service creates. */
  topicCreation?: TopicCreation;
  /** Topics this service produces to or consumes from; created if missing. */
  topics: readonly TopicSpec[];
  /** Where the service's consumers dead-letter what they cannot read or handle. */
  deadLetter?: TopicSpec;
  /** Handling settings of every consumer of the service (poison isolation, readiness, session timeout). */
  consumerDefaults?: ConsumerDefaults;
}

/** A service's Kafka, as its app module declares it. */
export interface ServiceMessaging {
  service: string;
  /** Topics the service produces to or consumes from; created if missing. */
  topics: readonly TopicSpec[];
  /** Its consumers' dead letters (Topics.<service>Rejected); a service without consumers has none. */
  deadLetter?: TopicSpec;
}

const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly host: ConsumerHost,
    private readonly readiness: ReadinessRegistry,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connection.connect();
    await this.connection.ensureTopics([...this.options.topics, ...(this.options.deadLetter ? [this.options.deadLetter] : [])]);
    this.readiness.register('kafka', () => this.connection.ping());
  }

  /** Every feature has declared its consumers by now: not awaited, so the HTTP server listens while they join. */
  onApplicationBootstrap(): void {
    for (const [name, check] of this.host.checks()) this.readiness.register(name, check);
    void this.host.start();
  }

  /** Before anything they use closes: consumers finish their batch, commit and leave their groups. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.disconnect();
  }
}

/** The thin Nest part of messaging: one KafkaConnection and one ConsumerHost per service. */
@Global()
@Module({})
export class MessagingModule {
  /** A service's connection as its Kafka env says: brokers, client id, TLS and SASL, topic prefix, topic creation and consumer handling. */
  static forService(env: KafkaEnv, { service, topics, deadLetter }: ServiceMessaging): DynamicModule {
    return MessagingModule.forRoot({
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID ?? service,
      security: kafkaSecurityFromEnv(env),
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      topicCreation: topicCreationFromEnv(env),
      topics,
      deadLetter,
      consumerDefaults: { maxHandlingAttempts: env.CONSUMER_MAX_HANDLING_ATTEMPTS, stuckAfterAttempts: env.CONSUMER_STUCK_AFTER_ATTEMPTS },
    });
  }

  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: KafkaConnection,
          inject: [SERVICE_LOGGER, Metrics],
          useFactory: (logger: Logger, metrics: Metrics) =>
            new KafkaConnection({
              ...options,
              logger,
              rebalances: metrics.counter('hookstream_consumer_rebalances_total', 'Partition assignments a consumer group member received: its start, a restart, or another member coming or going', ['group']),
              consumerLag: metrics.gauge('hookstream_consumer_lag_messages', 'Messages of a partition this member owns not yet handled: its high watermark minus the next offset to handle', ['group', 'topic', 'partition']),
              deadLetters: metrics.counter('hookstream_dead_letters_total', 'Messages sent to a dead-letter topic, by the topic they came from (delivery: its exhausted-jobs topic) and why: undecodable, rejected, handling_failed, or an exhausted job\'s last error kind', ['topic', 'reason']),
              produceErrors: metrics.counter('hookstream_produce_errors_total', 'Produce requests that failed, per topic in them: resent (a passing failure) or failed (given up)', ['topic', 'reason']),
            }),
        },
        { provide: ConsumerHost, inject: [KafkaConnection], useFactory: (connection: KafkaConnection) => new ConsumerHost(connection) },
        KafkaLifecycle,
      ],
      exports: [KafkaConnection, ConsumerHost],
    };
  }
}
