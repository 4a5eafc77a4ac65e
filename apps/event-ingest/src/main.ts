import './tracing';
import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { migrateOnly } from '@hookstream/persistence';
import { eventIngestDatabase, eventIngestModules } from './app.module';
import { loadEventIngestConfig } from './config';

const BODY_LIMIT = '5mb';

runService({
  service: 'event-ingest',
  loadConfig: loadEventIngestConfig,
  modules: eventIngestModules,
  internalApi: (config) => config,
  migrateOnly: (config) => migrateOnly(config, eventIngestDatabase(config)),
  bodyLimit: BODY_LIMIT,
  // Structured-mode CloudEvents arrive with their own media types.
  configure: (app) => {
    app.useBodyParser('json', { type: ['application/cloudevents+json', 'application/cloudevents-batch+json'], limit: BODY_LIMIT });
  },
});
