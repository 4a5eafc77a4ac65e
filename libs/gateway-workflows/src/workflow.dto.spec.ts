import { HttpException, Type } from '@nestjs/common';
import { createValidationPipe } from '@hookstream/gateway-auth';
import { ActionDto, ConditionDto, EventSourceDto, PatchWorkflowDto, SubscriptionDto, WorkflowDto } from './workflow.dto';

// The seed guide's own bodies (checkout-workflows-guide.txt, mycashflow-webhooks.txt).
const guideWorkflow = {
  name: 'Webhooks workflow',
  active: true,
  conditions: [
    { type: 'event', events: { gateway: ['payment_approved', 'payment_declined'], dispute: ['dispute_won'] } },
    { type: 'entity', entities: ['ent_xyfdshfudosfdshfdiosfds', 'ent_fidjosfjdisofdjsifdosfu'] },
    { type: 'processing_channel', processing_channels: ['pc_axclravnqf5u5ejkweijnp5zc4'] },
  ],
  actions: [
    {
      type: 'webhook',
      url: 'https://example.com/webhooks',
      headers: { Authorization: '70ed20ff-ba31-4ea3-b3ef-772f2be1cbdf' },
      signature: { method: 'HMACSHA256', key: '8V8x0dLK%AyD*DNS8JJr' },
    },
  ],
};
const guideAction = guideWorkflow.actions[0];
const webhook = (extra: Record<string, unknown>) => ({ type: 'webhook', url: 'https://example.com/hook', ...extra });

const pipe = createValidationPipe();

/** What the gateway's validation pipe makes of a body: the DTO, or the 422's error codes. */
async function validate(metatype: Type<unknown>, body: unknown): Promise<{ ok: true; value: unknown } | { ok: false; status: number; codes: string[] }> {
  try {
    return { ok: true, value: await pipe.transform(body, { type: 'body', metatype }) };
  } catch (err) {
    if (!(err instanceof HttpException)) throw err;
    return { ok: false, status: err.getStatus(), codes: (err.getResponse() as { error_codes: string[] }).error_codes };
  }
}

async function codesOf(metatype: Type<unknown>, body: unknown): Promise<string[]> {
  const result = await validate(metatype, body);
  if (result.ok) throw new Error('expected the body to be rejected');
  expect(result.status).toBe(422);
  return result.codes;
}

describe('gateway DTOs', () => {
  it("accept the seed documents' own bodies", async () => {
    expect(await validate(WorkflowDto, guideWorkflow)).toMatchObject({ ok: true });
    expect(await validate(PatchWorkflowDto, { name: 'Webhooks workflow', active: true })).toMatchObject({ ok: true });
    expect(await validate(ActionDto, { ...guideAction, url: 'https://example.com/webhooks/checkout', signature: { method: 'HMACSHA256', key: 'public-signing-key' } })).toMatchObject({
      ok: true,
    });
    expect(await validate(ConditionDto, guideWorkflow.conditions[0])).toMatchObject({ ok: true });
    expect(await validate(SubscriptionDto, { topic: 'order.created', expands: ['payments', 'shipments'], url: 'https://www.example.com' })).toMatchObject({ ok: true });
  });

  it('accept our action extensions when they are valid', async () => {
    const extended = webhook({ format: 'cloudevents', cloudevents_mode: 'binary', retry_policy: [1000, 5000], timeout_ms: 5000 });
    expect(await validate(ActionDto, extended)).toMatchObject({ ok: true });
    expect(await validate(ActionDto, webhook({ format: 'caf', retry_policy: 'caf' }))).toMatchObject({ ok: true });
  });

  const workflowCases: [string, unknown][] = [
    ['name_required', { ...guideWorkflow, name: '' }],
    ['name_required', { ...guideWorkflow, name: 42 }],
    ['name_invalid', { ...guideWorkflow, name: 'x'.repeat(256) }],
    ['active_invalid', { ...guideWorkflow, active: 'yes' }],
    ['conditions_required', { ...guideWorkflow, conditions: [] }],
    ['conditions_required', { ...guideWorkflow, conditions: undefined }],
    ['actions_required', { ...guideWorkflow, actions: [] }],
    ['field_unknown', { ...guideWorkflow, colour: 'blue' }],
    ['field_unknown', { ...guideWorkflow, actions: [{ ...guideAction, retries: 3 }] }],
    ['condition_type_duplicate', { ...guideWorkflow, conditions: [guideWorkflow.conditions[1], guideWorkflow.conditions[1]] }],
    ['condition_type_invalid', { ...guideWorkflow, conditions: [{ type: 'amount' }] }],
    ['events_invalid', { ...guideWorkflow, conditions: [{ type: 'event', events: {} }] }],
    ['events_invalid', { ...guideWorkflow, conditions: [{ type: 'event', events: { gateway: [] } }] }],
    ['entities_required', { ...guideWorkflow, conditions: [{ type: 'entity', entities: [] }] }],
    ['entity_id_invalid', { ...guideWorkflow, conditions: [{ type: 'entity', entities: ['entity_1'] }] }],
    ['entity_id_invalid', { ...guideWorkflow, conditions: [{ type: 'entity', entities: ['ent_UPPER'] }] }],
    ['processing_channels_required', { ...guideWorkflow, conditions: [{ type: 'processing_channel' }] }],
    ['processing_channel_id_invalid', { ...guideWorkflow, conditions: [{ type: 'processing_channel', processing_channels: ['channel'] }] }],
    ['action_type_invalid', { ...guideWorkflow, actions: [{ ...guideAction, type: 'email' }] }],
    ['url_invalid', { ...guideWorkflow, actions: [{ ...guideAction, url: '/relative/path' }] }],
    ['url_invalid', { ...guideWorkflow, actions: [{ ...guideAction, url: 'ftp://example.com/x' }] }],
    ['url_invalid', { ...guideWorkflow, actions: [{ type: 'webhook' }] }],
    ['headers_invalid', { ...guideWorkflow, actions: [{ ...guideAction, headers: { Authorization: 42 } }] }],
    ['signature_invalid', { ...guideWorkflow, actions: [{ ...guideAction, signature: { method: 'MD5', key: 'k' } }] }],
    ['signature_invalid', { ...guideWorkflow, actions: [{ ...guideAction, signature: { method: 'HMACSHA256' } }] }],
  ];

  it.each(workflowCases)('reject a workflow with %s', async (code, body) => {
    expect(await codesOf(WorkflowDto, body)).toContain(code);
  });

  const actionCases: [string, unknown][] = [
    ['format_invalid', webhook({ format: 'xml' })],
    ['retry_policy_invalid', webhook({ retry_policy: 'forever' })],
    ['retry_policy_invalid', webhook({ retry_policy: [1000, -1] })],
    ['timeout_ms_invalid', webhook({ timeout_ms: 0 })],
    ['timeout_ms_invalid', webhook({ timeout_ms: 120_000 })],
    ['cloudevents_mode_invalid', webhook({ cloudevents_mode: 'batched' })],
  ];

  it.each(actionCases)('reject an action with %s', async (code, body) => {
    expect(await codesOf(ActionDto, body)).toEqual([code]);
  });

  it('name every problem of a body at once', async () => {
    const codes = await codesOf(WorkflowDto, { name: '', conditions: [], actions: [{ type: 'webhook', url: 'nope' }] });
    expect(codes.sort()).toEqual(['conditions_required', 'name_required', 'url_invalid']);
  });

  it('reject a PATCH with unknown fields or wrong types, but take any subset', async () => {
    expect(await validate(PatchWorkflowDto, { active: false })).toMatchObject({ ok: true });
    expect(await codesOf(PatchWorkflowDto, { enabled: false })).toEqual(['field_unknown']);
    expect(await codesOf(PatchWorkflowDto, { active: 'no' })).toEqual(['active_invalid']);
  });

  it('reject subscriptions without a topic or with a bad URL', async () => {
    expect(await codesOf(SubscriptionDto, { expands: [], url: 'https://www.example.com' })).toEqual(['topic_required']);
    expect(await codesOf(SubscriptionDto, { topic: 'order.created', url: 'www.example.com' })).toEqual(['url_invalid']);
    expect(await codesOf(SubscriptionDto, { topic: 'order.created', url: 'https://www.example.com', expands: [1] })).toEqual(['expands_invalid']);
  });

  it('check catalog additions', async () => {
    expect(await validate(EventSourceDto, { id: 'billing', events: [{ id: 'invoice.paid', display_name: 'Invoice paid' }] })).toMatchObject({ ok: true });
    expect(await codesOf(EventSourceDto, { id: 'billing', events: [] })).toEqual(['events_required']);
    expect(await codesOf(EventSourceDto, { id: 'bad source', events: [{ id: 'x' }] })).toEqual(['source_id_invalid']);
    expect(await codesOf(EventSourceDto, { id: 'billing', events: [{ id: '' }] })).toEqual(['event_type_id_invalid']);
  });
});
