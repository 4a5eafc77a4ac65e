import { DynamicModule, Global, Module } from '@nestjs/common';
import type { InternalApiEnv } from '@hookstream/config';
import { InternalRouteGuard } from './internal-route.guard';
import { ServiceCredentials } from './service-credentials';

export interface InternalAuthOptions {
  /** The name this service signs its internal calls with. */
  service: string;
  /** INTERNAL_API_KEY: the key every service shares. */
  key: string;
  /** INTERNAL_API_ACCEPTED_KEYS: accepted beside it during a rotation. */
  acceptedKeys?: readonly string[];
}

/** Service credentials for the internal routes this service answers and calls. */
@Global()
@Module({})
export class InternalAuthModule {
  static forRoot(options: InternalAuthOptions): DynamicModule {
    return {
      module: InternalAuthModule,
      providers: [{ provide: ServiceCredentials, useValue: new ServiceCredentials(options.key, options.service, Date.now, options.acceptedKeys) }, InternalRouteGuard],
      exports: [ServiceCredentials, InternalRouteGuard],
    };
  }

  /** A service's credentials as its env says (INTERNAL_API_KEY, INTERNAL_API_ACCEPTED_KEYS). */
  static forService(env: InternalApiEnv, service: string): DynamicModule {
    return InternalAuthModule.forRoot({ service, key: env.INTERNAL_API_KEY, acceptedKeys: env.INTERNAL_API_ACCEPTED_KEYS });
  }
}
