import { DynamicModule, Inject, Injectable, MiddlewareConsumer, Module, NestMiddleware, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { answerConsole } from './console-answer';

const CONSOLE_OPTIONS = Symbol('CONSOLE_OPTIONS');

export interface GatewayConsoleOptions {
  /** The console's build (dist/apps/console): read on each request, so a rebuild shows without a restart. */
  dir: string;
}

@Injectable()
class ConsoleMiddleware implements NestMiddleware {
  constructor(@Inject(CONSOLE_OPTIONS) private readonly options: GatewayConsoleOptions) {}

  use(req: Request, res: Response, next: NextFunction): void {
    answerConsole(this.options.dir, req.method, req.path).then((answer) => {
      if (!answer) return next();
      res.status(answer.status).set(answer.headers);
      if (req.method === 'HEAD') res.setHeader('content-length', Buffer.byteLength(answer.body)).end();
      else res.send(answer.body);
    }, next);
  }
}

/** The console web app (apps/console) at /console on the public port: static files, a strict CSP, no API of its own. */
@Module({})
export class GatewayConsoleModule implements NestModule {
  static forRoot(options: GatewayConsoleOptions): DynamicModule {
    return { module: GatewayConsoleModule, providers: [{ provide: CONSOLE_OPTIONS, useValue: options }, ConsoleMiddleware] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ConsoleMiddleware).forRoutes('*');
  }
}
