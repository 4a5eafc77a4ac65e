import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openServiceDataSource } from '@hookstream/persistence';
import { DEVELOPMENT_KEY_RING, KeyRing } from '@hookstream/secrets';
import { serviceDatabaseUrl, uniquePrefix } from '@hookstream/testing';
import { changed, commandsOf, createCommand, patchCommand, TEST_META, workflowBody } from './__fixtures__/workflow-commands';
import { WorkflowConfigEntities, WorkflowConfigMigrations } from './workflow-config-service.module';
import { ListPosition } from './workflow-list';
import { WORKFLOWS_TOO_MANY, WorkflowKind, WorkflowStore } from './workflow.store';

const keyRing = KeyRing.parse(DEVELOPMENT_KEY_RING);

/**
 * A tenant's workflows a page at a time, and the cap on how many it may
 * hold, against the real Postgres: every workflow exactly once however the
 * pages fall, and creates that race past the cap refused all but the ones
 * that fit.
 */
describe('workflow lists and the per-tenant cap against the real Postgres', () => {
  const schema = `${uniquePrefix('wflist').toLowerCase()}workflow_config`;
  let dataSource: DataSource;
  let store: WorkflowStore;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: serviceDatabaseUrl('WORKFLOW_CONFIG_DATABASE_URL'), schema, entities: WorkflowConfigEntities, migrations: WorkflowConfigMigrations });
    store = new WorkflowStore(dataSource, keyRing);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  }, 30_000);

  /** Every id of the list, walked `limit` at a time; and each page's size. */
  async function walk(tenantId: string, kind: WorkflowKind, limit: number): Promise<{ ids: string[]; sizes: number[] }> {
    const ids: string[] = [];
    const sizes: number[] = [];
    let after: ListPosition | null = null;
    for (;;) {
      const page = await store.page(tenantId, kind, { limit, after });
      ids.push(...page.states.map((s) => s.id));
      sizes.push(page.states.length);
      if (!page.next) return { ids, sizes };
      after = page.next;
    }
  }

  it('walks every workflow once, in the order of the whole list, however the pages fall; workflows created in the same microsecond too', async () => {
    const tenant = `ten_${randomUUID()}`;
    const commands = commandsOf(store, tenant);
    for (let i = 0; i < 7; i++) await commands.create(workflowBody({ name: `w${i}` }));
    // Three made in the same instant: the id orders them.
    await dataSource.query(`UPDATE workflows SET created_at = '2026-01-01T00:00:00.000001Z' WHERE id IN (SELECT id FROM workflows WHERE tenant_id = $1 ORDER BY created_at LIMIT 3 OFFSET 2)`, [tenant]);
    // Another tenant's and a subscription are on no page of these.
    await commandsOf(store, `ten_${randomUUID()}`).create();
    await commands.run(undefined, createCommand(tenant, workflowBody(), { uuid: randomUUID(), topic: 'order.created', expands: [] }), 'subscription');

    const whole = (await store.list(tenant, 'workflow')).map((s) => s.id);
    expect(whole).toHaveLength(7);
    for (const limit of [1, 2, 3, 7, 8, 500]) {
      const { ids, sizes } = await walk(tenant, 'workflow', limit);
      expect(ids).toEqual(whole);
      expect(sizes.every((n) => n <= limit)).toBe(true);
      // A last page is never empty: no link to nothing.
      expect(sizes.at(-1)).toBeGreaterThan(0);
    }
    expect((await walk(tenant, 'subscription', 1)).ids).toEqual((await store.list(tenant, 'subscription')).map((s) => s.id));
    expect(await store.page(`ten_${randomUUID()}`, 'workflow', { limit: 5, after: null })).toEqual({ states: [], next: null });
  });

  it('a workflow deleted between pages, the cursor\'s own too, moves no other one: nothing served twice, nothing skipped', async () => {
    const tenant = `ten_${randomUUID()}`;
    const commands = commandsOf(store, tenant);
    for (let i = 0; i < 6; i++) await commands.create();
    const whole = (await store.list(tenant, 'workflow')).map((s) => s.id);
    const first = await store.page(tenant, 'workflow', { limit: 3, after: null });
    expect(first.states.map((s) => s.id)).toEqual(whole.slice(0, 3));
    await commands.remove(whole[2]);
    await commands.remove(whole[0]);
    const second = await store.page(tenant, 'workflow', { limit: 3, after: first.next });
    expect(second.states.map((s) => s.id)).toEqual(whole.slice(3));
    expect(second.next).toBeNull();
  });

  it('holds a tenant to its cap, workflows and subscriptions together, when its creates race; another tenant is not held', async () => {
    const tenant = `ten_${randomUUID()}`;
    const cap = { maxWorkflowsPerTenant: 5 };
    await commandsOf(store, tenant).run(undefined, createCommand(tenant, workflowBody(), { uuid: randomUUID(), topic: 'order.created', expands: [] }), 'subscription');
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => store.execute({ tenantId: tenant, kind: 'workflow' }, createCommand(tenant), TEST_META, cap)));
    expect(outcomes.filter((o) => o.ok).length).toBe(4);
    expect(outcomes.filter((o) => !o.ok)).toEqual(Array.from({ length: 8 }, () => ({ ok: false, status: 422, codes: [WORKFLOWS_TOO_MANY] })));
    const [{ held }] = await dataSource.query('SELECT count(*)::int AS held FROM workflows WHERE tenant_id = $1', [tenant]);
    expect(held).toBe(5);
    // Nothing of a refused create was written: no events, no outbox rows past the five.
    const [{ events }] = await dataSource.query('SELECT count(DISTINCT workflow_id)::int AS events FROM workflow_events WHERE tenant_id = $1', [tenant]);
    expect(events).toBe(5);

    const other = `ten_${randomUUID()}`;
    expect((await store.execute({ tenantId: other, kind: 'workflow' }, createCommand(other), TEST_META, cap)).ok).toBe(true);

    // A change to a workflow it has is no create; a delete makes room for one.
    const [kept] = await store.list(tenant, 'workflow');
    changed(await store.execute({ tenantId: tenant, workflowId: kept.id, kind: 'workflow' }, patchCommand({ name: 'renamed at the cap' }), TEST_META, cap));
    changed(await store.execute({ tenantId: tenant, workflowId: kept.id, kind: 'workflow' }, { type: 'delete' }, TEST_META, cap));
    changed(await store.execute({ tenantId: tenant, kind: 'workflow' }, createCommand(tenant), TEST_META, cap));
    expect(await store.execute({ tenantId: tenant, kind: 'workflow' }, createCommand(tenant), TEST_META, cap)).toEqual({ ok: false, status: 422, codes: [WORKFLOWS_TOO_MANY] });
  });
});
