import type { Logger } from '@hookstream/logging';

/**
 * Runs housekeeping (retention purges) every `everyMs` without ever
 * overlapping itself or keeping the process alive; a failed run is logged
 * and the next one tries again. Returns the stop function.
 */
export function runPeriodically(name: string, everyMs: number, task: () => Promise<unknown>, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((err: unknown) => logger.warn({ err, task: name }, 'periodic task failed'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
