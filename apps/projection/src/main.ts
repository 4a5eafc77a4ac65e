import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { ProjectionModule } from './app.module';
import { loadProjectionConfig } from './config';

runService({ service: 'projection', loadConfig: loadProjectionConfig, module: (config, logger) => ProjectionModule.register(config, logger) });
