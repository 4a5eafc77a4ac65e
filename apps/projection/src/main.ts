import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { projectionModules } from './app.module';
import { loadProjectionConfig } from './config';

runService({ service: 'projection', loadConfig: loadProjectionConfig, modules: projectionModules, internalApi: (config) => config });
