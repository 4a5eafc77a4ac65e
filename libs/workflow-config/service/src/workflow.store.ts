import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import type { WorkflowState } from '@hookstream/contracts';
import { KeyRing } from '@hookstream/secrets';
import { mapWorkflowSecrets } from '@hookstream/workflow-definition';
import { ConfigOutboxEntity, WorkflowEntity } from './workflow.entity';

export type WorkflowUpdate<R> = (state: WorkflowState) => { state?: WorkflowState; result: R };

/**
 * Checkout workflows and MyCashflow subscriptions share one table and one
 * topic (the matcher matches both), but each API sees only its own kind: a
 * subscription is the row with a subscription uuid.
 */
export type WorkflowKind = 'workflow' | 'subscription';

const ofKind = (kind: WorkflowKind | undefined) =>
  kind === undefined ? {} : { subscriptionUuid: kind === 'subscription' ? Not(IsNull()) : IsNull() };
const kindSql = (kind: WorkflowKind) => (kind === 'subscription' ? 'w.subscription_uuid IS NOT NULL' : 'w.subscription_uuid IS NULL');

/**
 * Workflows and the config outbox. Every change writes the new state and an
 * outbox row in one transaction, so the topic never misses a committed change.
 * Secrets are sealed with the key ring on the way in (so Postgres, the outbox
 * and the config topic hold them sealed) and opened on the way out; a clear
 * secret, from before sealing, reads as it is.
 */
@Injectable()
export class WorkflowStore {
  constructor(
    @InjectRepository(WorkflowEntity) private readonly workflows: Repository<WorkflowEntity>,
    private readonly keyRing: KeyRing,
  ) {}

  async list(tenantId: string, kind: WorkflowKind): Promise<WorkflowState[]> {
    const rows = await this.workflows.find({ where: { tenantId, ...ofKind(kind) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => this.opened(r.state));
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

  async create(state: WorkflowState): Promise<void> {
    const sealed = this.sealed(state);
    await this.workflows.manager.transaction(async (m) => {
      await m.getRepository(WorkflowEntity).insert({
        id: state.id,
        tenantId: state.tenant_id,
        subscriptionUuid: state.subscription?.uuid ?? null,
        state: sealed,
      });
      await appendOutbox(m, state.id, sealed);
    });
  }

  /**
   * Reads the workflow under a row lock, applies the change and, if it gives a
   * new state, saves it with its outbox row. undefined: no such workflow.
   */
  async update<R>(id: string, tenantId: string, change: WorkflowUpdate<R>, kind?: WorkflowKind): Promise<R | undefined> {
    return this.workflows.manager.transaction(async (m) => {
      const query = m
        .getRepository(WorkflowEntity)
        .createQueryBuilder('w')
        .setLock('pessimistic_write')
        .where('w.id = :id AND w.tenant_id = :tenantId', { id, tenantId });
      const row = await (kind ? query.andWhere(kindSql(kind)) : query).getOne();
      if (!row) return undefined;
      const { state, result } = change(this.opened(row.state));
      if (state) {
        const sealed = this.sealed(state);
        await m.getRepository(WorkflowEntity).update({ id }, { state: sealed });
        await appendOutbox(m, id, sealed);
      }
      return result;
    });
  }

  /** false: no such workflow for this tenant. Publishes a tombstone. */
  async delete(id: string, tenantId: string, kind: WorkflowKind): Promise<boolean> {
    return this.workflows.manager.transaction(async (m) => {
      const result = await m.getRepository(WorkflowEntity).delete({ id, tenantId, ...ofKind(kind) });
      if (!result.affected) return false;
      await appendOutbox(m, id, null);
      return true;
    });
  }

  /** Every secret sealed anew: a value that merely looks sealed is a tenant's text like any other. */
  private sealed(state: WorkflowState): WorkflowState {
    return mapWorkflowSecrets(state, (secret) => this.keyRing.seal(secret));
  }

  private opened(state: WorkflowState): WorkflowState {
    return mapWorkflowSecrets(state, (secret) => this.keyRing.openOrClear(secret));
  }
}

/** The outbox row of one change, in the caller's transaction. */
export async function appendOutbox(manager: EntityManager, workflowId: string, state: WorkflowState | null): Promise<void> {
  await manager.getRepository(ConfigOutboxEntity).insert({ workflowId, state });
}
