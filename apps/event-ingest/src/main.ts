import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { EventIngestModule } from './app.module';
import { loadEventIngestConfig } from './config';

runService({ service: 'event-ingest', loadConfig: loadEventIngestConfig, module: (config, logger) => EventIngestModule.register(config, logger), bodyLimit: '5mb' });
