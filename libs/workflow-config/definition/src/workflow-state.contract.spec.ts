import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deterministicId, IdPrefix, WorkflowConfigMessage, WorkflowState } from '@hookstream/contracts';
import {
  ChangeContext,
  createWorkflow,
  disableAction,
  EventTypeCatalog,
  readActionInput,
  readSubscriptionInput,
  readWorkflowInput,
  replaceAction,
  seedEventTypeRows,
  subscriptionWorkflow,
} from './index';
import { checkoutExampleAction } from '@hookstream/testing';

/**
 * The producer half of the config topic's contract: the messages this lib
 * builds for workflow-config to publish are exactly the examples in the
 * contracts lib, whose own spec checks them against the schema. A change
 * here fails until the examples are regenerated:
 *   UPDATE_CONTRACT_EXAMPLES=1 npx jest libs/workflow-config/definition/src/workflow-state.contract.spec.ts
 */
const EXAMPLES = path.resolve(__dirname, '../../../shared/contracts/src/__fixtures__/workflow-config.messages.json');

function deterministicContext(): ChangeContext {
  let n = 0;
  return {
    now: new Date('2026-11-22T10:00:00.000Z'),
    newId: (prefix: IdPrefix) => deterministicId(prefix, 'contract-example', String(n++)),
    newSigningSecret: () => `whsec_${Buffer.alloc(32, n++).toString('base64')}`,
  };
}

function accepted<T>(read: { ok: true; value: T } | { ok: false; codes: string[] }): T {
  if (!read.ok) throw new Error(read.codes.join());
  return read.value;
}

function changed(result: { ok: true; state: WorkflowState } | { ok: false; codes: string[] }): WorkflowState {
  if (!result.ok) throw new Error(result.codes.join());
  return result.state;
}

/** One of each kind of message workflow-config publishes, keyed by workflow id. */
function producedMessages(): { what: string; key: string; value: WorkflowState | null }[] {
  const ctx = deterministicContext();
  const guide = createWorkflow(
    'ten_example',
    accepted(
      readWorkflowInput({
        name: 'Webhooks workflow',
        conditions: [
          { type: 'event', events: { gateway: ['payment_approved', 'payment_declined'], dispute: ['dispute_won'] } },
          { type: 'entity', entities: ['ent_xyfdshfudosfdshfdiosfds'] },
          { type: 'processing_channel', processing_channels: ['pc_axclravnqf5u5ejkweijnp5zc4'] },
        ],
        actions: [checkoutExampleAction()],
      }),
    ),
    ctx,
  );
  const extended = changed(
    replaceAction(
      guide,
      guide.actions[0].id,
      accepted(readActionInput({ type: 'webhook', url: 'https://example.com/ce', format: 'cloudevents', cloudevents_mode: 'binary', retry_policy: [1000, 60000], timeout_ms: 5000 })),
      ctx,
    ),
  );
  const [action] = extended.actions;
  const disabled = disableAction(extended, { action_id: action.id, url: action.url, reason: 'receiver answered 410 Gone', disabled_at: '2026-11-22T11:00:00.000Z' }, ctx);
  const subscriptionInput = accepted(readSubscriptionInput({ topic: 'order.created', expands: ['payments', 'shipments'], url: 'https://www.example.com' }));
  const planned = subscriptionWorkflow(subscriptionInput, new EventTypeCatalog(seedEventTypeRows()), () => '083c584d-ae65-11ec-aef4-0242ac130002');
  if (!planned.ok) throw new Error(planned.codes.join());
  const subscription = createWorkflow('ten_example', planned.workflow, ctx, { uuid: planned.uuid, topic: subscriptionInput.topic, expands: subscriptionInput.expands });
  return [
    { what: "the guide's workflow, created", key: guide.id, value: guide },
    { what: 'its action replaced with our extensions (CloudEvents binary mode, ms retry list, timeout)', key: extended.id, value: extended },
    { what: 'the action disabled after a 410', key: extended.id, value: disabled ?? null },
    { what: 'a MyCashflow subscription', key: subscription.id, value: subscription },
    { what: 'the guide workflow deleted: a tombstone', key: guide.id, value: null },
  ];
}

describe('config topic messages (producer side of the contract)', () => {
  const produced = producedMessages();

  it('satisfy the WorkflowConfigMessage schema as they are, with no field left to a default', () => {
    for (const { value } of produced) {
      const parsed = WorkflowConfigMessage.safeParse(value);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(value);
    }
  });

  it('are the examples the contracts lib checks', () => {
    const examples = { about: 'Produced by libs/workflow-config/definition/src/workflow-state.contract.spec.ts; checked by libs/contracts.', messages: produced };
    if (process.env.UPDATE_CONTRACT_EXAMPLES === '1') writeFileSync(EXAMPLES, `${JSON.stringify(examples, null, 2)}\n`);
    expect(JSON.parse(readFileSync(EXAMPLES, 'utf8'))).toEqual(examples);
  });
});
