import './tracing';
import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { migrateOnly } from '@hookstream/persistence';
import { projectionDatabase, projectionModules } from './app.module';
import { loadProjectionConfig } from './config';

runService({
  service: 'projection',
  loadConfig: loadProjectionConfig,
  modules: projectionModules,
  internalApi: (config) => config,
  migrateOnly: (config) => migrateOnly(config, projectionDatabase(config)),
});
