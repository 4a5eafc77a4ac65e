import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { readWorkflowConfig, Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { KafkaConnection, readTopicToEnd } from '@hookstream/messaging';
import { rowsOf } from '@hookstream/persistence';
import { Metrics, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { WorkflowEntity } from './workflow.entity';
import { appendOutbox } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';
import { WorkflowVersions } from './workflow-versions';

/** With hashtext(schema), the advisory lock of a schema's reconciler: one instance at a time compares and repairs. */
export const RECONCILE_LOCK_CLASS = 72_300_002;

/** Workflows repaired per transaction. */
const REPAIR_PAGE = 200;
const TOPIC_READ_TIMEOUT_MS = 120_000;

const LockRow = z.object({ locked: z.boolean() });

export interface ConfigTopicRepairs {
  /** Absent, deleted or older on the topic: their current state is published again. */
  republish: string[];
  /** On the topic, unknown to the database: a tombstone takes them off. */
  tombstone: string[];
}

/**
 * What the config topic lacks, from the database's workflows (id ->
 * version) as of some moment and what the topic held after it (id ->
 * version, null for a tombstone; an unreadable message leaves its id out,
 * as the matcher drops it). A newer version on the topic is a change made
 * since the snapshot, not a fault. `settled` workflows are left alone.
 */
export function configTopicRepairs(database: ReadonlyMap<string, number>, topic: ReadonlyMap<string, number | null>, settled: ReadonlySet<string>): ConfigTopicRepairs {
  const republish: string[] = [];
  const tombstone: string[] = [];
  for (const [id, version] of database) {
    const published = topic.get(id);
    if (!settled.has(id) && (published === undefined || published === null || published < version)) republish.push(id);
  }
  for (const [id, published] of topic) {
    if (published !== null && !database.has(id) && !settled.has(id)) tombstone.push(id);
  }
  return { republish: republish.sort(), tombstone: tombstone.sort() };
}

export interface ConfigTopicReport {
  /** Workflows in the database. */
  workflows: number;
  /** Messages read from the topic. */
  messagesRead: number;
  republished: number;
  tombstoned: number;
}

/**
 * Keeps the compacted config topic a copy of the database. The matcher's
 * index is built from that topic alone: a topic deleted, a broker's data
 * purged or a cluster rebuilt leaves every workflow active in the API and
 * none in the index. At start and every CONFIG_TOPIC_CHECK_MS, the topic
 * is read to its end and compared, workflow by workflow, with the
 * database; what is missing or stale is put on the outbox again, and a
 * workflow the database does not hold gets a tombstone. Reading the topic
 * (rather than trusting its offsets) catches a fresh broker, a purged
 * topic, a partition that lost its tail and a database restored from an
 * older backup alike.
 */
@Injectable()
export class ConfigTopicReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly stopping = new AbortController();
  private readonly checks;
  private readonly repairs;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaConnection,
    private readonly versions: WorkflowVersions,
    @Inject(WORKFLOW_CONFIG_SERVICE_SETTINGS) private readonly settings: WorkflowConfigServiceSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.checks = metrics.counter('config_topic_checks_total', 'Comparisons of the config topic with the database', ['outcome']);
    this.repairs = metrics.counter('config_topic_repairs_total', 'Workflows put on the outbox again because the config topic lacked them (republished) or held them past their deletion (tombstoned)', ['kind']);
  }

  onApplicationBootstrap(): void {
    if (this.everyMs > 0) this.schedule(0);
  }

  private get everyMs(): number {
    return this.settings.configTopicCheckMs ?? 0;
  }

  // Before Kafka and Postgres close: a read in progress gives up, a repair in progress completes.
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.reconcile()
        .catch((err: unknown) => {
          this.checks.inc({ outcome: 'failed' });
          if (!this.stopping.signal.aborted) this.logger.warn({ err }, 'could not compare the config topic with the database; trying again later');
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.everyMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One comparison and its repairs; undefined when another instance is at it. */
  async reconcile(): Promise<ConfigTopicReport | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = rowsOf(LockRow, await runner.query(`SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS locked`, [RECONCILE_LOCK_CLASS]));
      if (!locked) {
        this.checks.inc({ outcome: 'skipped' });
        return undefined;
      }
      try {
        return await this.compareAndRepair();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, [RECONCILE_LOCK_CLASS]);
      }
    } finally {
      await runner.release();
    }
  }

  private async compareAndRepair(): Promise<ConfigTopicReport> {
    // The database first: whatever was committed by then is on the topic's offsets read after, or still in the outbox.
    const { versions, settled } = await this.versions.snapshotAcrossTenants();
    const topic = new Map<string, number | null>();
    const messagesRead = await readTopicToEnd(
      this.kafka,
      Topics.workflowConfig,
      ({ key, value }) => {
        if (key === null) return;
        const read = readWorkflowConfig(key, value);
        if ('reason' in read) topic.delete(key);
        else topic.set(key, read.state === null ? null : read.state.version);
      },
      { timeoutMs: TOPIC_READ_TIMEOUT_MS, signal: this.stopping.signal },
    );
    const { republish, tombstone } = configTopicRepairs(versions, topic, settled);
    let republished = 0;
    let tombstoned = 0;
    for (let i = 0; i < republish.length || i < tombstone.length; i += REPAIR_PAGE) {
      const page = await this.repair(republish.slice(i, i + REPAIR_PAGE), tombstone.slice(i, i + REPAIR_PAGE));
      republished += page.republished;
      tombstoned += page.tombstoned;
    }
    const report = { workflows: versions.size, messagesRead, republished, tombstoned };
    this.repairs.inc({ kind: 'republished' }, republished);
    this.repairs.inc({ kind: 'tombstoned' }, tombstoned);
    this.checks.inc({ outcome: republished + tombstoned > 0 ? 'repaired' : 'in_step' });
    if (republished + tombstoned > 0) this.logger.warn(report, 'the config topic was behind the database: workflows put on the outbox again');
    else this.logger.info(report, 'the config topic matches the database');
    return report;
  }

  /**
   * Under the rows' locks, so that a change committing meanwhile is put on
   * the outbox after this (the relay publishes in outbox order): each
   * workflow's state as it is now, or a tombstone if it is still gone.
   */
  private async repair(republish: readonly string[], tombstone: readonly string[]): Promise<{ republished: number; tombstoned: number }> {
    return this.dataSource.transaction(async (m) => {
      const ids = [...republish, ...tombstone].sort();
      const rows = await m.getRepository(WorkflowEntity).createQueryBuilder('w').setLock('pessimistic_write').where('w.id IN (:...ids)', { ids }).orderBy('w.id').getMany();
      const current = new Map(rows.map((r) => [r.id, r.state]));
      let republished = 0;
      let tombstoned = 0;
      for (const id of republish) {
        const state = current.get(id);
        // Deleted since: its tombstone is on its way.
        if (!state) continue;
        await appendOutbox(m, id, state, []);
        republished++;
      }
      for (const id of tombstone) {
        // Created since: its state is on its way.
        if (current.has(id)) continue;
        await appendOutbox(m, id, null, []);
        tombstoned++;
      }
      return { republished, tombstoned };
    });
  }
}
