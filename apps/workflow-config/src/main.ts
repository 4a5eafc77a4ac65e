import './tracing';
import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { migrateOnly } from '@hookstream/persistence';
import { workflowConfigDatabase, workflowConfigModules } from './app.module';
import { loadWorkflowConfigConfig } from './config';

runService({
  service: 'workflow-config',
  loadConfig: loadWorkflowConfigConfig,
  modules: workflowConfigModules,
  internalApi: (config) => config,
  migrateOnly: (config) => migrateOnly(config, workflowConfigDatabase(config)),
});
