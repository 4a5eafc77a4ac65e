import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { answerConsole } from './console-answer';

const CONSOLE_OPTIONS = Symbol('CONSOLE_OPTIONS');

export interface GatewayConsoleOptions {
  /** The console's build (dist/apps/console): read on each request, so a rebuild shows without a restart. */
  dir: string;
}

/** Answers /console requests from the built files; any other path goes on. */
export function consoleHandler(options: GatewayConsoleOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    answerConsole(options.dir, req.method, req.path).then((answer) => {
      if (!answer) return next();
      res.status(answer.status).set(answer.headers);
      if (req.method === 'HEAD') res.setHeader('content-length', Buffer.byteLength(answer.body)).end();
      else res.send(answer.body);
    }, next);
  };
}

/** The console web app (apps/console) at /console on the public port: static files, a strict CSP, no API of its own. */
@Module({})
export class GatewayConsoleModule implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    @Inject(CONSOLE_OPTIONS) private readonly options: GatewayConsoleOptions,
  ) {}

  static forRoot(options: GatewayConsoleOptions): DynamicModule {
    return { module: GatewayConsoleModule, providers: [{ provide: CONSOLE_OPTIONS, useValue: options }] };
  }

  // Nest's middleware runs only for its routes' paths, and /console has none: the handler
  // joins express after the routes, before Nest's not-found answer (and behind the ops-port split).
  onModuleInit(): void {
    this.adapter.httpAdapter.use(consoleHandler(this.options));
  }
}
