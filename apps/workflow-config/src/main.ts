import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { WorkflowConfigModule } from './app.module';
import { loadWorkflowConfigConfig } from './config';

runService({ service: 'workflow-config', loadConfig: loadWorkflowConfigConfig, module: (config, logger) => WorkflowConfigModule.register(config, logger) });
