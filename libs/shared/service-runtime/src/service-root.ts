import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import type { InternalApiEnv } from '@hookstream/config';
import type { Logger } from '@hookstream/logging';
import { InternalAuthModule } from './internal-auth/internal-auth.module';
import { ServiceRuntimeModule } from './service-runtime.module';

export type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];

export interface ServiceRootOptions {
  service: string;
  logger: Logger;
  /** For a service that answers or makes internal calls: its INTERNAL_API_* settings. */
  internalApi?: InternalApiEnv;
  /** The service's own modules. */
  imports: readonly ModuleImport[];
}

/**
 * A service's root module, composed the same way for every service: the
 * runtime (logger, health, readiness, metrics, the ops port), internal-call
 * credentials when it has internal calls, then its own modules.
 */
export function serviceRoot(options: ServiceRootOptions): DynamicModule {
  class ServiceRoot {}
  Module({})(ServiceRoot);
  return {
    module: ServiceRoot,
    imports: [
      ServiceRuntimeModule.forRoot({ service: options.service, logger: options.logger }),
      ...(options.internalApi ? [InternalAuthModule.forService(options.internalApi, options.service)] : []),
      ...options.imports,
    ],
  };
}
