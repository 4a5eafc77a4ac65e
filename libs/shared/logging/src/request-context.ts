import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids that every log line written while handling one request or message carries. */
export interface LogContext {
  requestId?: string;
  eventId?: string;
  tenantId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export const requestContext = {
  run<T>(context: LogContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): LogContext | undefined {
    return storage.getStore();
  },
};
