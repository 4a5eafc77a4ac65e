import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { workflowConfigModules } from './app.module';
import { loadWorkflowConfigConfig } from './config';

runService({ service: 'workflow-config', loadConfig: loadWorkflowConfigConfig, modules: workflowConfigModules, internalApi: (config) => config });
