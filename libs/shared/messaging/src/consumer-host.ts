import { randomBytes } from 'node:crypto';
import type { BatchConsumer, BatchConsumerOptions } from './batch-consumer';
import type { KafkaConnection } from './kafka-connection';

/** A consumer as a feature declares it; the host runs its lifecycle. */
export interface HostedConsumerOptions<T> extends BatchConsumerOptions<T> {
  /**
   * The group is this process's alone (it reads the whole topic for itself):
   * its id gets a random suffix, and it is deleted when the consumer stops,
   * so no trace of it stays on the broker.
   */
  perInstance?: boolean;
  /** Runs before the consumer starts, e.g. until the index it matches against has loaded; not ready meanwhile. */
  beforeStart?: () => Promise<void>;
}

/** How a hosted consumer is doing, as readiness reports it. */
interface Hosted {
  readonly name: string;
  readonly consumer: BatchConsumer<unknown>;
  readonly options: HostedConsumerOptions<unknown>;
  startError?: Error;
}

/**
 * The one lifecycle of every consumer of a service: created on its
 * connection (which prefixes its group id), started in the background once
 * the application is up (joining a group takes seconds; the HTTP server
 * answers meanwhile), ready once it joined its group and while it is not
 * stuck or crashed for good, stopped before the connection closes (it
 * finishes its batch, commits and leaves its group), and a per-instance
 * group deleted after.
 */
export class ConsumerHost {
  private readonly hosted: Hosted[] = [];
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly connection: KafkaConnection) {}

  add<T>(options: HostedConsumerOptions<T>): BatchConsumer<T> {
    if (this.started) throw new Error(`consumer ${options.groupId} added after its host started`);
    const groupId = options.perInstance ? `${options.groupId}-${randomBytes(6).toString('hex')}` : options.groupId;
    const consumer = this.connection.consumer<T>({ ...options, groupId });
    this.hosted.push({ name: options.groupId, consumer: consumer as BatchConsumer<unknown>, options: options as HostedConsumerOptions<unknown> });
    return consumer;
  }

  /** Every consumer's readiness check, by group name. */
  checks(): [name: string, check: () => Promise<void>][] {
    return this.hosted.map((h) => [`consumer ${h.name}`, () => this.check(h)]);
  }

  /** Starts every consumer; resolves once each has started or failed to (a failure shows in readiness, and is logged). */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all(
      this.hosted.map(async (h) => {
        try {
          await h.options.beforeStart?.();
          if (this.stopping) return;
          await h.consumer.start();
        } catch (err) {
          h.startError = err instanceof Error ? err : new Error(String(err));
          this.connection.logger.error({ err, groupId: h.consumer.groupId }, 'consumer failed to start');
        }
      }),
    );
  }

  /** Stops every consumer once, however often it is called. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    await Promise.allSettled(
      this.hosted.map(async ({ consumer, options }) => {
        await consumer.stop();
        if (options.perInstance) {
          await this.connection.deleteGroups([consumer.groupId]).catch((err: unknown) => this.connection.logger.warn({ err, groupId: consumer.groupId }, 'could not delete the group'));
        }
      }),
    );
  }

  private async check(h: Hosted): Promise<void> {
    const error = h.startError ?? h.consumer.healthError();
    if (error) throw error;
    // Until then, what is published now would be read by nobody, or from "latest" by a new group and lost.
    if (!h.consumer.hasJoined) throw new Error(`consumer ${h.name} has not joined its group yet`);
  }
}
