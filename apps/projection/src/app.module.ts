import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { ProjectionMigrations, ProjectionServiceModule } from '@hookstream/projection-service';
import { InternalAuthModule, ServiceRuntimeModule } from '@hookstream/service-runtime';
import { ProjectionConfig, projectionSchema, projectionSettings } from './config';

@Module({})
export class ProjectionModule {
  static register(config: ProjectionConfig, logger: Logger): DynamicModule {
    return {
      module: ProjectionModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'projection', logger }),
        InternalAuthModule.forService(config, 'projection'),
        MessagingModule.forService(config, { service: 'projection', topics: [Topics.events, Topics.deliveryOutcomes, Topics.reflowRequests], deadLetter: Topics.projectionRejected }),
        PersistenceModule.forRoot({ url: config.PROJECTION_DATABASE_URL, schema: projectionSchema(config), migrations: ProjectionMigrations }),
        ProjectionServiceModule.forRoot(projectionSettings(config)),
      ],
    };
  }
}
