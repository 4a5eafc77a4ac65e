import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { describeIssues, Topics, WorkflowEvent, WorkflowState } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { DeadLetterHeaders, EncodedMessage, KafkaConnection } from '@hookstream/messaging';
import { rowsOf } from '@hookstream/persistence';
import { Metrics, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';

/**
 * With hashtext(schema), the advisory lock of a schema's relay: one relay at
 * a time publishes, so two instances never interleave a workflow's changes,
 * while deployments in other schemas of the database relay on their own.
 */
export const RELAY_LOCK_CLASS = 72_300_001;

/** A dead letter carries the state itself only below this, so the dead letter always fits a Kafka message. */
const DEAD_LETTER_STATE_MAX_BYTES = 900 * 1024;

/**
 * Kafka's answers that refuse a message for what it is: sending it again
 * can never succeed. Anything else (a broker out of reach, a leader moving)
 * is transient and the round is retried.
 */
const REFUSALS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_REQUIRED_ACKS', 'POLICY_VIOLATION']);

/** The state and events are whatever the row holds: the contracts decide below whether they can be published. */
const OutboxRow = z.object({ id: z.string(), workflow_id: z.string(), state: z.unknown(), events: z.unknown() });
type OutboxRow = z.infer<typeof OutboxRow>;
const LockRow = z.object({ locked: z.boolean() });

/** A change the contracts accept: its domain events and its state (null: a tombstone), as the contracts read them. */
interface PublishableChange {
  row: OutboxRow;
  events: WorkflowEvent[];
  state: WorkflowState | null;
}

export type OutboxVerdict = { publishable: true; events: WorkflowEvent[]; state: WorkflowState | null } | { publishable: false; reason: string };

const OutboxEvents = z.array(Topics.workflowEvents.schema);

/**
 * Whether a change may go out: its events must satisfy the recorded topic's
 * contract and its state the config topic's, the ones every consumer decodes with.
 */
export function outboxVerdict(change: { state: unknown; events: unknown }): OutboxVerdict {
  const events = OutboxEvents.safeParse(change.events);
  if (!events.success) return { publishable: false, reason: `outside the recorded events contract: ${describeIssues(events.error)}` };
  if (change.state === null) return { publishable: true, events: events.data, state: null };
  const state = Topics.workflowConfig.schema.safeParse(change.state);
  return state.success
    ? { publishable: true, events: events.data, state: state.data }
    : { publishable: false, reason: `outside the config contract: ${describeIssues(state.error)}` };
}

/** The refusal among an error's causes (kafkajs wraps its own), if Kafka refused the message itself. */
export function kafkaRefusal(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && REFUSALS.has(type)) return `Kafka refused it (${type}: too large or invalid): ${e.message}`;
    e = (e as { originalError?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Publishes the config outbox in id order (so in commit order per workflow)
 * with acks=all: each change's domain events to the recorded topic, then its
 * state to the config topic; then deletes what was published. A crash
 * before the delete republishes: the config topic is compacted and carries
 * full states, and an event repeats with its (workflow_id, version), so a
 * repeat is harmless.
 *
 * A change that can never be published (outside the contract, or refused
 * by Kafka) is dead-lettered instead: kept in config_outbox_rejected, told
 * on the config dead-letter topic, and the changes behind it go on.
 * Retried forever, it would hold back every later change of every tenant.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly published: ReturnType<Metrics['counter']>;
  private readonly failures: ReturnType<Metrics['counter']>;
  private readonly deadLettered;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaConnection,
    @Inject(WORKFLOW_CONFIG_SERVICE_SETTINGS) private readonly settings: WorkflowConfigServiceSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.published = metrics.counter('config_changes_published_total', 'Workflow states and tombstones published to the config topic');
    // Rising while nothing is published: Kafka or Postgres is out of reach and changes wait in the outbox.
    this.failures = metrics.counter('config_relay_failures_total', 'Relay rounds that failed and will be retried');
    this.deadLettered = metrics.counter('config_outbox_dead_lettered_total', 'Workflow changes that could never be published, moved to config_outbox_rejected', [
      'reason',
    ]);
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  // Before Kafka and Postgres close (they do on application shutdown), so a batch in flight completes.
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let published = 0;
    try {
      published = await this.relayOnce();
    } catch (err) {
      this.failures.inc();
      this.logger.warn({ err }, 'config outbox relay failed; retrying');
    }
    this.schedule(published >= this.settings.relayBatchSize ? 0 : this.settings.relayIntervalMs);
  }

  /** Publishes (or dead-letters) one batch; the number of rows it took off the outbox. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = rowsOf(LockRow, await m.query(`SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema())) AS locked`, [RELAY_LOCK_CLASS]));
      if (!locked) return 0;
      const rows = rowsOf(
        OutboxRow,
        await m.query(`SELECT id, workflow_id, state, events FROM config_outbox ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $1`, [this.settings.relayBatchSize]),
      );
      if (rows.length === 0) return 0;
      const rejected = new Map<OutboxRow, string>();
      const publishable: PublishableChange[] = [];
      for (const row of rows) {
        const verdict = outboxVerdict(row);
        if (verdict.publishable) publishable.push({ row, events: verdict.events, state: verdict.state });
        else rejected.set(row, verdict.reason);
      }
      try {
        await this.publish(publishable);
      } catch (err) {
        if (!kafkaRefusal(err)) throw err;
        // One of them was refused: publish one by one, in order, to find which.
        for (const change of publishable) {
          try {
            await this.publish([change]);
          } catch (rowErr) {
            const refusal = kafkaRefusal(rowErr);
            if (!refusal) throw rowErr;
            rejected.set(change.row, refusal);
          }
        }
      }
      await this.deadLetter(m, rejected);
      await m.query(`DELETE FROM config_outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      this.published.inc(rows.length - rejected.size);
      this.logger.debug({ count: rows.length - rejected.size }, 'config changes published');
      return rows.length;
    });
  }

  /** The events first, so a workflow's events are on the recorded topic before the state they make. */
  private async publish(changes: readonly PublishableChange[]): Promise<void> {
    await this.kafka.publisher.publish(
      Topics.workflowEvents,
      changes.flatMap(({ events }) => events.map((value) => ({ value }))),
    );
    await this.kafka.publisher.publish(
      Topics.workflowConfig,
      changes.map(({ row, state }) => (state === null ? { tombstone: row.workflow_id } : { value: state })),
    );
  }

  /** Kept in Postgres whole, and told on the dead-letter topic (with the state when it fits), in this transaction. */
  private async deadLetter(m: EntityManager, rejected: ReadonlyMap<OutboxRow, string>): Promise<void> {
    if (rejected.size === 0) return;
    const letters: EncodedMessage[] = [];
    for (const [row, reason] of rejected) {
      await m.query(`INSERT INTO config_outbox_rejected (outbox_id, workflow_id, state, events, reason) SELECT id, workflow_id, state, events, $2 FROM config_outbox WHERE id = $1`, [
        row.id,
        reason,
      ]);
      const value = row.state === null ? null : JSON.stringify(row.state);
      letters.push({
        key: row.workflow_id,
        value: value !== null && Buffer.byteLength(value) <= DEAD_LETTER_STATE_MAX_BYTES ? value : null,
        headers: {
          [DeadLetterHeaders.reason]: reason.slice(0, 2000),
          [DeadLetterHeaders.topic]: this.kafka.topic(Topics.workflowConfig),
          [DeadLetterHeaders.at]: new Date().toISOString(),
          'dead-letter-outbox-id': row.id,
        },
      });
      this.deadLettered.inc({ reason: reason.startsWith('Kafka') ? 'kafka_refused' : 'contract' });
      this.logger.error({ workflowId: row.workflow_id, outboxId: row.id, reason }, 'config change cannot be published: dead-lettered, the changes behind it go on');
    }
    await this.kafka.publisher.publishEncoded(Topics.configRejected, letters);
  }
}
