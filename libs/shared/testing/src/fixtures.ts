import { CanonicalEvent, DeliveryJob, deterministicId, newId, WebhookAction, WorkflowCondition, WorkflowState } from '@hookstream/contracts';

/** A condition as a test writes it: the id is filled in. */
export type ConditionBody = WorkflowCondition extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never;

export function sampleAction(overrides: Partial<WebhookAction> = {}): WebhookAction {
  return {
    id: newId('wfa'),
    type: 'webhook',
    url: 'https://merchant.example/webhooks',
    headers: {},
    format: 'checkout',
    cloudevents_mode: 'structured',
    retry_policy: 'checkout',
    timeout_ms: 10_000,
    signing_secrets: ['whsec_c2VjcmV0c2VjcmV0c2VjcmV0'],
    disabled_at: null,
    disabled_reason: null,
    ...overrides,
  };
}

/** An active workflow of one tenant, listening to gateway payment_approved unless told otherwise. */
export function sampleWorkflowState(overrides: Partial<WorkflowState> & { conditionBodies?: ConditionBody[] } = {}): WorkflowState {
  const { conditionBodies, ...rest } = overrides;
  return {
    id: newId('wf'),
    tenant_id: 'ten_e2e',
    name: 'approved payments',
    active: true,
    version: 1,
    conditions: (conditionBodies ?? [{ type: 'event', events: { gateway: ['payment_approved'] } }]).map((c) => ({ ...c, id: newId('wfc') }) as WorkflowCondition),
    actions: [sampleAction()],
    subscription: null,
    updated_at: new Date().toISOString(),
    ...rest,
  };
}

export function sampleCanonicalEvent(overrides: Partial<CanonicalEvent> = {}): CanonicalEvent {
  const now = new Date().toISOString();
  return {
    id: newId('evt'),
    tenant_id: 'ten_e2e',
    source: 'gateway',
    type: 'payment_approved',
    subject_id: 'pay_sample',
    entity_id: null,
    processing_channel_id: null,
    timestamp: now,
    version: '1.0.0',
    data: { amount: 5 },
    metadata: {},
    received_at: now,
    ...overrides,
  };
}

export type DeliveryJobOverrides = { event?: Partial<CanonicalEvent>; action?: Partial<WebhookAction> } & Partial<Omit<DeliveryJob, 'event' | 'action'>>;

/**
 * A first-attempt job as the matcher schedules it; parsed by the contract,
 * so defaults are applied as in production.
 */
export function sampleDeliveryJob(overrides: DeliveryJobOverrides = {}): DeliveryJob {
  const { event: eventOverrides, action: actionOverrides, ...rest } = overrides;
  const event = sampleCanonicalEvent({ tenant_id: 'ten_test', ...eventOverrides });
  const action = sampleAction(actionOverrides);
  const workflowId = rest.workflow_id ?? newId('wf');
  return DeliveryJob.parse({
    invocation_id: deterministicId('ivc', event.id, workflowId, action.id),
    tenant_id: event.tenant_id,
    workflow_id: workflowId,
    workflow_version: 1,
    event,
    action,
    subscription: null,
    attempt: 1,
    scheduled_at: event.received_at,
    ...rest,
  });
}

/** The webhook action of Checkout.com's documented example workflow. */
export const checkoutExampleAction = () => ({
  type: 'webhook' as const,
  url: 'https://example.com/webhooks',
  headers: { Authorization: '70ed20ff-ba31-4ea3-b3ef-772f2be1cbdf' },
  signature: { method: 'HMACSHA256' as const, key: '8V8x0dLK%AyD*DNS8JJr' },
});
