import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { ServiceRuntimeModule } from '@hookstream/service-runtime';
import type { GatewayConfig } from './config';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'gateway', logger }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'gateway',
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.reflowRequests],
        }),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: `${config.DATABASE_SCHEMA_PREFIX}gateway`,
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}
