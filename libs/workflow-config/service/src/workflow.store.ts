import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, Not } from 'typeorm';
import { z } from 'zod';
import { WorkflowState, type WorkflowActor, type WorkflowEvent, type WorkflowEventBody } from '@hookstream/contracts';
import { maskSecret } from '@hookstream/logging';
import { affectedCount, rowsOf } from '@hookstream/persistence';
import { KeyRing } from '@hookstream/secrets';
import { decide, diffStates, EventMeta, evolve, fold, mapEventSecrets, mapWorkflowSecrets, stamp, WorkflowCommand } from '@hookstream/workflow-definition';
import { appendEvents, hasEvents, isVersionTaken, RecordedEvent } from './workflow-event-log';
import { ConfigOutboxEntity, WorkflowEntity } from './workflow.entity';
import type { ListPaging, ListPosition } from './workflow-list';

/**
 * Checkout workflows and MyCashflow subscriptions share one table and one
 * topic (the matcher matches both), but each API sees only its own kind: a
 * subscription is the row with a subscription uuid.
 */
export type WorkflowKind = 'workflow' | 'subscription';

/** The workflow a command is for: no workflowId for a create; no kind for the platform's own commands, which take either. */
export interface WorkflowTarget {
  tenantId: string;
  kind?: WorkflowKind;
  workflowId?: string;
}

/** Who asked for a change, and in which API request. */
export interface CommandMeta {
  actor: WorkflowActor;
  requestId: string | null;
}

export interface CommandOptions {
  /** Why the new state may not be kept (the API's limits); checked before anything is written. */
  refuse?: (state: WorkflowState) => string[];
  /**
   * A create is refused (422 workflows_too_many) when the tenant already
   * holds this many workflows, of either kind: counted in the create's
   * transaction under a lock of the tenant's, so creates that run together
   * cannot pass it together.
   */
  maxWorkflowsPerTenant?: number;
}

/**
 * A command's outcome: the workflow's state after it (in clear; undefined
 * once deleted), the id of what it made or changed, the events recorded
 * (sealed; none when nothing changed); or why it was refused. 409: other
 * changes kept taking the version it was decided on.
 */
export type CommandOutcome =
  | { ok: true; state: WorkflowState | undefined; id?: string; recorded: WorkflowEvent[] }
  | { ok: false; status: 404 | 409 | 422; codes: string[] };

export const WORKFLOW_VERSION_CONFLICT = 'workflow_version_conflict';
export const WORKFLOWS_TOO_MANY = 'workflows_too_many';

/**
 * With hashtext(schema and tenant), the advisory lock a create takes to
 * count the tenant's workflows (RELAY_LOCK_CLASS is the relay's).
 */
export const TENANT_CREATE_LOCK_CLASS = 72_300_002;

export interface WorkflowStoreOptions {
  clock?: () => Date;
  /** Reads, decisions and appends tried before a command answers 409. */
  maxAttempts?: number;
  /** Runs between a command's read and its append: tests make a race happen here. */
  beforeAppend?: (target: WorkflowTarget, attempt: number) => Promise<void>;
}
export const WORKFLOW_STORE_OPTIONS = Symbol('WORKFLOW_STORE_OPTIONS');

/** The import of the workflows that existed before their history was kept, as the migration names it. */
export const IMPORT_ACTOR: WorkflowActor = { type: 'platform', id: 'migration' };

const CONFLICT: CommandOutcome = { ok: false, status: 409, codes: [WORKFLOW_VERSION_CONFLICT] };
const TOO_MANY: CommandOutcome = { ok: false, status: 422, codes: [WORKFLOWS_TOO_MANY] };

const ofKind = (kind: WorkflowKind | undefined) =>
  kind === undefined ? {} : { subscriptionUuid: kind === 'subscription' ? Not(IsNull()) : IsNull() };

/** A decided change, ready to append: its events and the snapshot they fold to (both sealed), and the state in clear. */
interface Change {
  workflowId: string;
  recorded: RecordedEvent[];
  snapshot: WorkflowState | undefined;
  state: WorkflowState | undefined;
}

/** The snapshot row moved on since it was read. */
class SnapshotMoved extends Error {}

/** The tenant holds as many workflows as it may. */
class TenantFull extends Error {}

/** What became of an append: written, lost the version race (nothing written), or a create past the tenant's cap (nothing written). */
type Appended = 'appended' | 'moved' | 'full';

const WorkflowPageRow = z.object({ state: z.unknown(), position_at: z.string(), id: z.string() });

/**
 * Workflows, event-sourced. A command is decided on the current state and
 * becomes domain events; the events (the source of truth, append-only), the
 * snapshot they fold to (the current state, read by the API and carried by
 * the config topic) and an outbox row with both are written in one
 * transaction, so the topics never miss a committed change.
 *
 * Concurrency is optimistic: the snapshot is read without a lock, and the
 * append fails if another change took the next version meanwhile; the
 * command is then decided again on the newer state (up to maxAttempts).
 *
 * Secrets are sealed with the key ring in the events, the snapshot and the
 * outbox, and opened on the way out; a clear secret, from before sealing,
 * reads as it is.
 */
@Injectable()
export class WorkflowStore {
  private readonly clock: () => Date;
  private readonly maxAttempts: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keyRing: KeyRing,
    @Optional() @Inject(WORKFLOW_STORE_OPTIONS) private readonly options: WorkflowStoreOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  private get workflows() {
    return this.dataSource.getRepository(WorkflowEntity);
  }

  /** Every workflow of the tenant of this kind, oldest first. */
  async list(tenantId: string, kind: WorkflowKind): Promise<WorkflowState[]> {
    const rows = await this.workflows.find({ where: { tenantId, ...ofKind(kind) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => this.opened(r.state));
  }

  /**
   * A page of list(): in its order, after the position of the page before
   * (keyset: a workflow created or deleted meanwhile moves no other one),
   * and the position to go on from while more remain.
   */
  async page(tenantId: string, kind: WorkflowKind, paging: ListPaging): Promise<{ states: WorkflowState[]; next: ListPosition | null }> {
    const rows = rowsOf(
      WorkflowPageRow,
      await this.dataSource.query(
        `SELECT state, id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_at FROM workflows
          WHERE tenant_id = $1 AND (subscription_uuid IS NOT NULL) = $2
            AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::text))
          ORDER BY created_at, id LIMIT $5`,
        [tenantId, kind === 'subscription', paging.after?.createdAt ?? null, paging.after?.id ?? '', paging.limit + 1],
      ),
    );
    const served = rows.slice(0, paging.limit);
    const last = served.at(-1);
    return {
      states: served.map((row) => this.opened(WorkflowState.parse(row.state))),
      next: rows.length > paging.limit && last ? { createdAt: last.position_at, id: last.id } : null,
    };
  }

  /** A tenant sees only its own workflows. No kind means either. */
  async get(id: string, tenantId: string, kind?: WorkflowKind): Promise<WorkflowState | undefined> {
    const state = await this.getSealed(id, tenantId, kind);
    return state && this.opened(state);
  }

  /** As stored: secrets sealed, for a caller that passes the state on. */
  async getSealed(id: string, tenantId: string, kind?: WorkflowKind): Promise<WorkflowState | undefined> {
    const row = await this.workflows.findOneBy({ id, tenantId, ...ofKind(kind) });
    return row?.state;
  }

  async findBySubscription(tenantId: string, uuid: string): Promise<WorkflowState | undefined> {
    const row = await this.workflows.findOneBy({ tenantId, subscriptionUuid: uuid });
    return row ? this.opened(row.state) : undefined;
  }

  /**
   * Decides the command on the workflow's current state and records what it
   * changed. No events (nothing to change): nothing is written, and the
   * current state is the answer.
   */
  async execute(target: WorkflowTarget, command: WorkflowCommand, meta: CommandMeta, options: CommandOptions = {}): Promise<CommandOutcome> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const sealed = target.workflowId === undefined ? undefined : await this.getSealed(target.workflowId, target.tenantId, target.kind);
      const before = sealed && this.opened(sealed);
      const now = this.clock();
      const decision = decide(command, before, { now });
      if (!decision.ok) return decision;
      if (decision.events.length === 0) return { ok: true, state: before, id: decision.id, recorded: [] };
      const workflowId = target.workflowId ?? decision.id;
      if (workflowId === undefined) throw new Error(`${command.type}: the decision names no workflow`);

      const change = this.change(decision.events, before, sealed, { workflow_id: workflowId, tenant_id: target.tenantId, actor: meta.actor, request_id: meta.requestId, now });
      const refused = change.state ? (options.refuse?.(change.state) ?? []) : [];
      if (refused.length > 0) return { ok: false, status: 422, codes: refused };
      await this.options.beforeAppend?.(target, attempt);
      const appended = await this.append(change, sealed, options.maxWorkflowsPerTenant);
      if (appended === 'full') return TOO_MANY;
      if (appended === 'appended') return { ok: true, state: change.state, id: decision.id, recorded: change.recorded.map((r) => r.event) };
    }
    return CONFLICT;
  }

  /**
   * The command's events stamped, each with its masked diff (of the clear
   * states around it), then sealed; the new snapshot is the sealed events
   * folded onto the sealed snapshot, so folding every stored event gives
   * the stored snapshot exactly (a seal is never repeated).
   */
  private change(bodies: readonly WorkflowEventBody[], before: WorkflowState | undefined, sealed: WorkflowState | undefined, meta: EventMeta): Change {
    const events = stamp(bodies, before, meta);
    const recorded: RecordedEvent[] = [];
    let state = before;
    for (const event of events) {
      const after = evolve(state, event);
      recorded.push({ event: mapEventSecrets(event, (secret) => this.keyRing.seal(secret)), changes: diffStates(state, after, maskSecret) });
      state = after;
    }
    return { workflowId: meta.workflow_id, recorded, snapshot: fold(recorded.map((r) => r.event), sealed), state };
  }

  private async append(change: Change, sealedBefore: WorkflowState | undefined, maxWorkflowsPerTenant: number | undefined): Promise<Appended> {
    try {
      await this.dataSource.transaction(async (m) => {
        if (!sealedBefore && change.snapshot && maxWorkflowsPerTenant !== undefined) await this.admitCreate(m, change.snapshot.tenant_id, maxWorkflowsPerTenant);
        await appendEvents(m, change.recorded);
        await this.writeSnapshot(m, change, sealedBefore);
        await appendOutbox(m, change.workflowId, change.snapshot ?? null, change.recorded.map((r) => r.event));
      });
      return 'appended';
    } catch (err) {
      if (err instanceof TenantFull) return 'full';
      if (isVersionTaken(err) || err instanceof SnapshotMoved) return 'moved';
      throw err;
    }
  }

  /** Throws TenantFull when the tenant holds `max` workflows; the lock holds other creates of the tenant until this transaction ends. */
  private async admitCreate(m: EntityManager, tenantId: string, max: number): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || '/' || $2))`, [TENANT_CREATE_LOCK_CLASS, tenantId]);
    const [{ held }] = rowsOf(z.object({ held: z.number() }), await m.query('SELECT count(*)::int AS held FROM workflows WHERE tenant_id = $1', [tenantId]));
    if (held >= max) throw new TenantFull();
  }

  /** Inserted, updated or deleted, only from the version the change was decided on. */
  private async writeSnapshot(m: EntityManager, change: Change, before: WorkflowState | undefined): Promise<void> {
    const { workflowId, snapshot } = change;
    if (!before) {
      if (!snapshot) return;
      await m.getRepository(WorkflowEntity).insert({ id: workflowId, tenantId: snapshot.tenant_id, subscriptionUuid: snapshot.subscription?.uuid ?? null, state: snapshot });
      return;
    }
    const result = snapshot
      ? await m.query(`UPDATE workflows SET state = $3 WHERE id = $1 AND (state->>'version')::int = $2`, [workflowId, before.version, JSON.stringify(snapshot)])
      : await m.query(`DELETE FROM workflows WHERE id = $1 AND (state->>'version')::int = $2`, [workflowId, before.version]);
    if (affectedCount(result) !== 1) throw new SnapshotMoved();
  }

  /**
   * A workflow with no events (stored before its history was kept, with its
   * secrets in clear, so the migration left it out): its state, sealed,
   * becomes its workflow.imported event. false: it has events, or is gone.
   */
  async importUnrecorded(id: string, tenantId: string): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const row = await m
        .getRepository(WorkflowEntity)
        .createQueryBuilder('w')
        .setLock('pessimistic_write')
        .where('w.id = :id AND w.tenant_id = :tenantId', { id, tenantId })
        .getOne();
      if (!row || (await hasEvents(m, id))) return false;
      const state = mapWorkflowSecrets(this.opened(row.state), (secret) => this.keyRing.seal(secret));
      const event: WorkflowEvent = {
        workflow_id: id,
        tenant_id: tenantId,
        version: state.version,
        occurred_at: this.clock().toISOString(),
        actor: IMPORT_ACTOR,
        request_id: null,
        type: 'workflow.imported',
        data: { state },
      };
      await appendEvents(m, [{ event, changes: [] }]);
      await m.getRepository(WorkflowEntity).update({ id }, { state });
      await appendOutbox(m, id, state, [event]);
      return true;
    });
  }

  private opened(state: WorkflowState): WorkflowState {
    return mapWorkflowSecrets(state, (secret) => this.keyRing.openOrClear(secret));
  }
}

/** The outbox row of one change, in the caller's transaction: its events, then its snapshot (null: a tombstone). */
export async function appendOutbox(manager: EntityManager, workflowId: string, state: WorkflowState | null, events: readonly WorkflowEvent[]): Promise<void> {
  await manager.getRepository(ConfigOutboxEntity).insert({ workflowId, state, events: [...events] });
}
