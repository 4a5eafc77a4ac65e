import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiExceptionFilter } from './api-exception.filter';
import { PathIdPipe } from './path-id.pipe';
import { RequestIdMiddleware } from './request-id.middleware';
import { createValidationPipe } from './validation';

/**
 * The gateway's HTTP kernel: request ids on every request, the path-id and
 * validation pipes, and the one error filter that gives every answer the
 * API's error shape.
 */
@Global()
@Module({
  providers: [
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_PIPE, useClass: PathIdPipe },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class GatewayHttpModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*');
  }
}
