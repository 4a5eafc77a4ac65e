import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { GatewayModule } from './app.module';
import { loadGatewayConfig } from './config';

runService({ service: 'gateway', loadConfig: loadGatewayConfig, module: (config, logger) => GatewayModule.register(config, logger) });
