import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { DeliveryModule } from './app.module';
import { loadDeliveryConfig } from './config';

runService({ service: 'delivery', loadConfig: loadDeliveryConfig, module: (config, logger) => DeliveryModule.register(config, logger) });
