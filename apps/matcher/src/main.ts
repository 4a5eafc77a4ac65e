import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { MatcherModule } from './app.module';
import { loadMatcherConfig } from './config';

runService({ service: 'matcher', loadConfig: loadMatcherConfig, module: (config, logger) => MatcherModule.register(config, logger) });
