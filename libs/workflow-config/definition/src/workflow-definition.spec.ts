import { WorkflowState } from '@hookstream/contracts';
import {
  addCondition,
  createWorkflow,
  disableAction,
  EventTypeCatalog,
  eventTypeCatalogView,
  eventSourceRows,
  readActionInput,
  readEventSourceInput,
  readWorkflowInput,
  removeAction,
  replaceAction,
  seedEventTypeRows,
  subscriptionWorkflow,
  workflowView,
} from './index';
import { checkoutExampleAction } from '@hookstream/testing';

const guideBody = {
  name: 'Webhooks workflow',
  active: true,
  conditions: [
    { type: 'event', events: { gateway: ['payment_approved', 'card_verified'], dispute: ['dispute_won'] } },
    { type: 'entity', entities: ['ent_xyfdshfudosfdshfdiosfds', 'ent_fidjosfjdisofdjsifdosfu'] },
    { type: 'processing_channel', processing_channels: ['pc_axclravnqf5u5ejkweijnp5zc4'] },
  ],
  actions: [checkoutExampleAction()],
};
const ctx = { now: new Date('2024-01-01T00:00:00.000Z') };
const catalog = new EventTypeCatalog(seedEventTypeRows());
const view = { baseUrl: 'https://api.example.com/', mask: (s: string) => s.slice(0, 4) + '*'.repeat(s.length - 4) };

function created(): WorkflowState {
  const read = readWorkflowInput(guideBody);
  if (!read.ok) throw new Error(read.codes.join());
  return createWorkflow('ten_1', read.value, ctx);
}

describe('readWorkflowInput', () => {
  it("accepts the guide's own body (23-character entity ids included)", () => {
    const read = readWorkflowInput(guideBody);
    expect(read.ok).toBe(true);
    if (read.ok) expect(catalog.check(read.value.conditions)).toEqual([]);
  });

  it.each([
    [{ ...guideBody, name: '' }, 'name_required'],
    [{ ...guideBody, active: 'yes' }, 'active_invalid'],
    [{ ...guideBody, conditions: [] }, 'conditions_required'],
    [{ ...guideBody, actions: [] }, 'actions_required'],
    [{ ...guideBody, extra: 1 }, 'field_unknown'],
    [{ ...guideBody, conditions: [guideBody.conditions[0], guideBody.conditions[0]] }, 'condition_type_duplicate'],
    [{ ...guideBody, conditions: [{ type: 'amount' }] }, 'condition_type_invalid'],
    [{ ...guideBody, conditions: [{ type: 'entity', entities: ['ENT_1'] }] }, 'entity_id_invalid'],
    [{ ...guideBody, conditions: [{ type: 'processing_channel', processing_channels: ['pc_'] }] }, 'processing_channel_id_invalid'],
    [{ ...guideBody, actions: [{ type: 'email' }] }, 'action_type_invalid'],
    [{ ...guideBody, actions: [{ type: 'webhook', url: '/relative' }] }, 'url_invalid'],
    [{ ...guideBody, actions: [{ type: 'webhook', url: 'ftp://example.com' }] }, 'url_invalid'],
    [{ ...guideBody, actions: [{ type: 'webhook', url: 'https://e.com', headers: { a: 1 } }] }, 'headers_invalid'],
    [{ ...guideBody, actions: [{ type: 'webhook', url: 'https://e.com', signature: { method: 'MD5', key: 'k' } }] }, 'signature_invalid'],
    [{ ...guideBody, actions: [{ type: 'webhook', url: 'https://e.com', format: 'xml' }] }, 'format_invalid'],
  ])('rejects invalid body %# with its code', (body, code) => {
    const read = readWorkflowInput(body);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.codes).toContain(code);
  });

  it('rejects event types the catalog lacks', () => {
    expect(catalog.check([{ type: 'event', events: { gateway: ['payment_teleported'] } }])).toEqual(['event_type_unknown']);
    expect(catalog.check([{ type: 'event', events: { orders: ['order.created'] } }])).toEqual([]);
  });
});

describe('workflow changes', () => {
  it('creates ids, a whsec_ signing secret per action, defaults and version 1', () => {
    const state = created();
    expect(state.id).toMatch(/^wf_[a-z2-7]{26}$/);
    expect(state.conditions.every((c) => /^wfc_[a-z2-7]{26}$/.test(c.id))).toBe(true);
    const [action] = state.actions;
    expect(action.id).toMatch(/^wfa_[a-z2-7]{26}$/);
    expect(action.signing_secrets[0]).toMatch(/^whsec_/);
    expect(Buffer.from(action.signing_secrets[0].slice(6), 'base64')).toHaveLength(32);
    expect(action).toMatchObject({ format: 'checkout', retry_policy: 'checkout', timeout_ms: 10_000, cloudevents_mode: 'structured', disabled_at: null });
    expect(state.version).toBe(1);
    expect(WorkflowState.safeParse(state).success).toBe(true);
  });

  it('bumps the version, keeps signing secrets on update and refuses to remove the last action', () => {
    const state = created();
    const action = state.actions[0];
    const read = readActionInput({ type: 'webhook', url: 'https://example.com/webhooks/checkout' });
    if (!read.ok) throw new Error('invalid');
    const replaced = replaceAction(state, action.id, read.value, ctx);
    expect(replaced.ok && replaced.state.version).toBe(2);
    expect(replaced.ok && replaced.state.actions[0].signing_secrets).toEqual(action.signing_secrets);
    expect(removeAction(state, action.id, ctx)).toEqual({ ok: false, status: 422, codes: ['actions_required'] });
    expect(removeAction(state, 'wfa_missing', ctx)).toMatchObject({ ok: false, status: 404 });
    expect(addCondition(state, { type: 'entity', entities: ['ent_a'] }, ctx)).toEqual({ ok: false, status: 422, codes: ['condition_type_duplicate'] });
  });

  it('disables an action once, and only while its URL is the one that answered 410', () => {
    const state = created();
    const [action] = state.actions;
    const gone = { action_id: action.id, url: action.url, reason: 'gone', disabled_at: '2024-01-02T00:00:00.000Z' };
    const disabled = disableAction(state, gone, ctx);
    expect(disabled?.actions[0]).toMatchObject({ disabled_at: '2024-01-02T00:00:00.000Z', disabled_reason: 'gone' });
    expect(disabled?.version).toBe(2);
    expect(disableAction(disabled!, { ...gone, disabled_at: '2024-01-03T00:00:00.000Z' }, ctx)).toBeUndefined();
    expect(disableAction(state, { ...gone, url: 'https://old.example.com/hook' }, ctx)).toBeUndefined();
    expect(disableAction(state, { ...gone, action_id: 'wfa_unknown' }, ctx)).toBeUndefined();

    // A new URL is a new endpoint: it starts enabled.
    const moved = readActionInput({ type: 'webhook', url: 'https://example.com/new' });
    if (!moved.ok) throw new Error('invalid');
    const replaced = replaceAction(disabled!, action.id, moved.value, ctx);
    expect(replaced.ok && replaced.state.actions[0]).toMatchObject({ disabled_at: null, disabled_reason: null });
  });
});

describe('views', () => {
  it('masks header values and signature keys, and links to the public base URL', () => {
    const state = created();
    const shown = workflowView(state, view);
    expect(shown.actions[0].headers).toEqual({ Authorization: '70ed' + '*'.repeat(32) });
    expect(shown.actions[0].signature).toEqual({ method: 'HMACSHA256', key: '8V8x' + '*'.repeat(16) });
    expect(JSON.stringify(shown)).not.toContain('whsec_');
    expect(shown._links.self.href).toBe(`https://api.example.com/workflows/${state.id}`);
  });

  it('groups catalog rows by source', () => {
    const sources = eventTypeCatalogView(seedEventTypeRows());
    expect(sources.map((s) => s.id)).toEqual(['gateway', 'dispute', 'authentication', 'orders', 'transactions']);
    expect(sources.find((s) => s.id === 'orders')?.events.map((e) => e.id)).toEqual(['order.created', 'order.updated']);
  });
});

describe('subscriptionWorkflow', () => {
  it("maps a MyCashflow topic to its source's event condition and a mycashflow action", () => {
    const planned = subscriptionWorkflow({ topic: 'order.created', expands: ['payments'], url: 'https://www.example.com' }, catalog, () => 'uuid-1');
    expect(planned).toMatchObject({
      ok: true,
      uuid: 'uuid-1',
      workflow: { conditions: [{ type: 'event', events: { orders: ['order.created'] } }], actions: [{ format: 'mycashflow', retry_policy: 'mycashflow' }] },
    });
    expect(subscriptionWorkflow({ topic: 'order.teleported', expands: [], url: 'https://e.com' }, catalog)).toEqual({ ok: false, codes: ['event_type_unknown'] });
  });
});

describe('readEventSourceInput', () => {
  it("reads an operator's source, defaulting display names to the ids", () => {
    const read = readEventSourceInput({ id: 'billing', events: [{ id: 'invoice.paid', description: 'An invoice was paid' }, { id: 'InvoiceVoided', display_name: 'Invoice voided' }] });
    expect(read).toEqual({
      ok: true,
      value: {
        id: 'billing',
        display_name: 'billing',
        description: '',
        events: [
          { id: 'invoice.paid', display_name: 'invoice.paid', description: 'An invoice was paid' },
          { id: 'InvoiceVoided', display_name: 'Invoice voided', description: '' },
        ],
      },
    });
    if (read.ok) {
      const extended = new EventTypeCatalog([...seedEventTypeRows(), ...eventSourceRows(read.value)]);
      expect(extended.check([{ type: 'event', events: { billing: ['invoice.paid'] } }])).toEqual([]);
      expect(extended.sourceOf('InvoiceVoided')).toBe('billing');
    }
  });

  it.each([
    [{ id: 'bad id', events: [{ id: 'x' }] }, 'source_id_invalid'],
    [{ id: 'billing', events: [] }, 'events_required'],
    [{ id: 'billing', events: [{ id: 'has space' }] }, 'event_type_id_invalid'],
    [{ id: 'billing', events: [{ id: 'a' }, { id: 'a' }] }, 'event_type_duplicate'],
    [{ id: 'billing', events: [{ id: 'a', colour: 'red' }] }, 'field_unknown'],
    [{ id: 'billing', display_name: 7, events: [{ id: 'a' }] }, 'display_text_invalid'],
    [{ id: 'billing', events: [{ id: 'a', description: 'nul \u0000 inside' }] }, 'display_text_invalid'],
    [{ id: 'billing', events: [7] }, 'event_type_invalid'],
    ['billing', 'request_body_invalid'],
  ])('rejects %j with %s', (body, code) => {
    const read = readEventSourceInput(body);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.codes).toContain(code);
  });
});
