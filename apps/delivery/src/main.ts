import './tracing';
import 'reflect-metadata';
import { runService } from '@hookstream/service-runtime';
import { deliveryModules } from './app.module';
import { loadDeliveryConfig } from './config';

runService({ service: 'delivery', loadConfig: loadDeliveryConfig, modules: deliveryModules });
