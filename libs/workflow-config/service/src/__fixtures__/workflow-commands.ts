import type { ReadResult, SubscriptionInfo, WorkflowState } from '@hookstream/contracts';
import { readActionInput, readWorkflowInput, readWorkflowPatch, WorkflowCommand } from '@hookstream/workflow-definition';
import type { CommandMeta, CommandOutcome, WorkflowKind, WorkflowStore } from '../workflow.store';

/** Who the tests' changes are made by, in which request. */
export const TEST_META: CommandMeta = { actor: { type: 'api_key', id: 'key_test' }, requestId: 'req-test' };

function accepted<T>(read: ReadResult<T>): T {
  if (!read.ok) throw new Error(`the test's input is refused: ${read.codes.join(', ')}`);
  return read.value;
}

/** A workflow as POST /workflows takes it: approved payments to one webhook, with `headers` (secrets). */
export function workflowBody(overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}): unknown {
  return {
    name: 'approved payments',
    active: true,
    conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
    actions: [{ type: 'webhook', url: 'https://merchant.example/webhooks', headers }],
    ...overrides,
  };
}

export const createCommand = (tenantId: string, body: unknown = workflowBody(), subscription: SubscriptionInfo | null = null): WorkflowCommand => ({
  type: 'create',
  tenant_id: tenantId,
  input: accepted(readWorkflowInput(body)),
  subscription,
});
export const patchCommand = (body: unknown): WorkflowCommand => ({ type: 'patch', patch: accepted(readWorkflowPatch(body)) });
export const addActionCommand = (body: unknown): WorkflowCommand => ({ type: 'add_action', input: accepted(readActionInput(body)) });

/** The outcome's state and id; fails the test on a refusal. */
export function changed(outcome: CommandOutcome): { state: WorkflowState | undefined; id?: string } {
  if (!outcome.ok) throw new Error(`the command was refused: ${outcome.status} ${outcome.codes.join(', ')}`);
  return outcome;
}

/** The store's commands as the tests make them, for one tenant. */
export function commandsOf(store: WorkflowStore, tenantId: string, meta: CommandMeta = TEST_META) {
  const run = async (workflowId: string | undefined, command: WorkflowCommand, kind: WorkflowKind = 'workflow') =>
    changed(await store.execute({ tenantId, workflowId, kind }, command, meta));
  return {
    run,
    /** A new workflow's state. */
    create: async (body?: unknown): Promise<WorkflowState> => {
      const { state } = await run(undefined, createCommand(tenantId, body));
      if (!state) throw new Error('created nothing');
      return state;
    },
    rename: (id: string, name: string) => run(id, patchCommand({ name })),
    remove: (id: string) => run(id, { type: 'delete' }),
  };
}
