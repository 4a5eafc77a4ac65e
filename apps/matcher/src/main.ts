import './tracing';
import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { matcherModules } from './app.module';
import { loadMatcherConfig } from './config';

runService({ service: 'matcher', loadConfig: loadMatcherConfig, modules: matcherModules, internalApi: (config) => config });
