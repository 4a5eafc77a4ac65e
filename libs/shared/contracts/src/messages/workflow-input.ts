import { z } from 'zod';
import { hasUnstorableCharacters } from '../text';
import { conditionInput, ConditionInput, CONDITION_TYPES } from './conditions';
import { CATALOG_ID, CATALOG_TEXT_MAX, codedText, guarded, isFilledText, isObject, PROTOTYPE_KEY } from './input-codes';
import { CloudEventsMode, headerBytes, PayloadFormat, RetryPolicyName } from './workflow';
import { ActionTimeout, limitText, RetryScheduleBounds, WorkflowLimits } from './workflow-limits';

/*
 * The Workflows API's bodies, read once, here: workflow-config validates
 * with these schemas and the gateway's OpenAPI document is generated from
 * them. Each issue's message is the error code the API answers.
 */

/** An absolute http(s) URL with a host. */
export function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== 'string' || hasUnstorableCharacters(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A webhook URL within the length limit: url_required, url_too_long or url_invalid otherwise. */
export const webhookUrlInput = (limits: WorkflowLimits) =>
  codedText({ required: 'url_required', invalid: 'url_invalid' })
    .max(limits.urlLength, { error: 'url_too_long', abort: true })
    .refine(isWebhookUrl, { error: 'url_invalid' })
    .meta({ description: `An absolute http(s) URL. Characters: ${limitText(limits, 'urlLength', 'url_too_long')}`, example: 'https://example.com/webhooks' });

/**
 * The token of RFC 9110 field names. Anything else (spaces, colons, NUL,
 * CR/LF, non-ASCII) would make the HTTP client refuse the whole request.
 */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const HEADER_NAME_MAX_BYTES = 256;
/** Visible ASCII, space, tab and obs-text: no NUL, CR, LF or other controls. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Delivery sets these itself (framing, signatures, identity); a tenant's
 * copy would corrupt the request or be refused by the HTTP client. Refused
 * on save, and left out on send (for what was stored before).
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
  'cko-signature',
  'x-caf-signature',
  'x-mycashflow-subscription',
  'x-mycashflow-topic',
]);
/** Whole families: Standard Webhooks', the platform's own, the proxy's, and CloudEvents binary attributes. */
const RESERVED_HEADER_PREFIXES = ['webhook-', 'x-hookstream-', 'proxy-', 'ce-'];
/** A header name an action's custom headers may not hold, in any case. */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || RESERVED_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

const headerName = z
  .string()
  .refine((name) => HEADER_NAME.test(name) && name.length <= HEADER_NAME_MAX_BYTES && name !== PROTOTYPE_KEY, { error: 'header_name_invalid', abort: true })
  .refine((name) => !isReservedHeader(name), { error: 'header_name_reserved' });

/** Runs even when a header already earned a code: a client learns every limit it passed at once. */
const always = () => true;

const headersInput = (limits: WorkflowLimits) =>
  guarded(
    (v) => {
      if (v === undefined) return undefined;
      if (!isObject(v)) return 'headers_invalid';
      // A record would drop it unseen; refused rather than lost.
      if (Object.hasOwn(v, PROTOTYPE_KEY)) return 'header_name_invalid';
      // Counted before anything else is looked at: a million headers earn one code, fast.
      const values = Object.values(v);
      if (values.length > limits.headers) return 'headers_too_many';
      return values.every((value) => typeof value === 'string') ? undefined : 'headers_invalid';
    },
    z
      .record(headerName, z.string().regex(HEADER_VALUE, { error: 'header_value_invalid' }), {
        error: (issue) => (issue.code === 'invalid_key' ? issue.issues?.[0]?.message : undefined),
      })
      .check(z.refine((headers) => headerBytes(headers) <= limits.headerBytes, { error: 'headers_too_large', when: always }))
      .default({})
      .meta({
        description:
          'Sent verbatim on every delivery; values masked in responses. Names are HTTP tokens (422 header_name_invalid; framing, signature, Standard Webhooks, x-hookstream-*, proxy-* and ce-* headers: ' +
          `header_name_reserved), values printable (header_value_invalid). Headers: ${limitText(limits, 'headers', 'headers_too_many')}; ` +
          `bytes of names and values: ${limitText(limits, 'headerBytes', 'headers_too_large')}`,
        example: { Authorization: 'secret' },
      }),
  );

const signatureInput = (limits: WorkflowLimits) =>
  z.strictObject(
    {
      method: z.literal('HMACSHA256', { error: 'signature_invalid' }).default('HMACSHA256'),
      key: z
        .string({ error: 'signature_invalid' })
        .refine(isFilledText, { error: 'signature_invalid', abort: true })
        .max(limits.signatureKeyLength, { error: 'signature_key_too_long', abort: true })
        .refine((key) => !hasUnstorableCharacters(key), { error: 'signature_invalid' })
        .meta({ description: `HMAC key; masked in every response. Characters: ${limitText(limits, 'signatureKeyLength', 'signature_key_too_long')}` }),
    },
    { error: 'signature_invalid' },
  );

const DAYS = 24 * 3_600_000;

const retryPolicyInvalid = { error: 'retry_policy_invalid' } as const;

export const retryPolicyInput = z
  .union(
    [
      z.enum(RetryPolicyName.options, retryPolicyInvalid),
      z
        .array(z.int(retryPolicyInvalid).min(RetryScheduleBounds.minDelayMs, { error: 'retry_delay_too_short' }).max(RetryScheduleBounds.maxDelayMs, retryPolicyInvalid), retryPolicyInvalid)
        .max(RetryScheduleBounds.maxDelays, retryPolicyInvalid)
        .refine((delays) => delays.reduce((sum, d) => sum + d, 0) <= RetryScheduleBounds.maxTotalMs, retryPolicyInvalid),
    ],
    retryPolicyInvalid,
  )
  .meta({
    description:
      `Extension: ${RetryPolicyName.options.join(' | ')} (default checkout) or delays in ms, each from ${RetryScheduleBounds.minDelayMs} (else 422 retry_delay_too_short) ` +
      `to ${RetryScheduleBounds.maxDelayMs} (${RetryScheduleBounds.maxDelayMs / DAYS} days), at most ${RetryScheduleBounds.maxDelays}, ` +
      `at most ${RetryScheduleBounds.maxTotalMs / DAYS} days in all (else 422 retry_policy_invalid)`,
  });

export const actionInput = (limits: WorkflowLimits) =>
  z.discriminatedUnion(
    'type',
    [
      z.strictObject(
        {
          type: z.literal('webhook'),
          url: webhookUrlInput(limits),
          headers: headersInput(limits),
          signature: signatureInput(limits).optional(),
          format: z.enum(PayloadFormat.options, { error: 'format_invalid' }).optional().meta({ description: 'Extension: payload format (default checkout)' }),
          retry_policy: retryPolicyInput.optional(),
          timeout_ms: z
            .int({ error: 'timeout_ms_invalid' })
            .positive({ error: 'timeout_ms_invalid' })
            .max(ActionTimeout.maxMs, { error: 'timeout_ms_invalid' })
            .optional()
            .meta({ description: `Extension: receiver timeout in ms (default ${ActionTimeout.defaultMs}; else 422 timeout_ms_invalid)` }),
          cloudevents_mode: z
            .enum(CloudEventsMode.options, { error: 'cloudevents_mode_invalid' })
            .optional()
            .meta({ description: 'Extension: CloudEvents HTTP mode (default structured)' }),
        },
        { error: 'field_unknown' },
      ),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? 'action_type_invalid' : 'action_invalid') },
  );
export type ActionInput = z.output<ReturnType<typeof actionInput>>;

const nameInput = (limits: WorkflowLimits) =>
  codedText({ invalid: 'name_required' })
    .refine(isFilledText, { error: 'name_required', abort: true })
    .max(limits.nameLength, { error: 'name_too_long', abort: true })
    .refine((name) => !hasUnstorableCharacters(name), { error: 'name_invalid' })
    .meta({ description: `Characters: ${limitText(limits, 'nameLength', 'name_too_long')}`, example: 'Webhooks workflow' });

const CONDITION_TYPE_SET: ReadonlySet<unknown> = new Set(CONDITION_TYPES);
/** Type names of every known condition among a list's items. */
const knownTypes = (items: unknown[]) => items.flatMap((item) => (isObject(item) && CONDITION_TYPE_SET.has(item.type) ? [item.type] : []));

const conditionsInput = (limits: WorkflowLimits) =>
  guarded(
    // One of each type at most: more is a duplicate, and not worth reading.
    (v) => (!Array.isArray(v) || v.length === 0 ? 'conditions_required' : v.length > CONDITION_TYPES.length ? 'condition_type_duplicate' : undefined),
    z
      .array(conditionInput(limits))
      .min(1)
      .max(CONDITION_TYPES.length)
      .check(z.refine((conditions) => new Set(knownTypes(conditions)).size === knownTypes(conditions).length, { error: 'condition_type_duplicate', when: always }))
      .meta({ description: 'One condition of each type at most (422 condition_type_duplicate)' }),
  );

const actionsInput = (limits: WorkflowLimits) =>
  guarded(
    (v) => (!Array.isArray(v) || v.length === 0 ? 'actions_required' : v.length > limits.actions ? 'actions_too_many' : undefined),
    z.array(actionInput(limits)).min(1).max(limits.actions).meta({
      description: `Actions: ${limitText(limits, 'actions', 'actions_too_many')}. The whole workflow as JSON, bytes: ${limitText(limits, 'stateBytes', 'workflow_too_large')}`,
    }),
  );

const active = z.boolean({ error: 'active_invalid' });

const workflowFields = (limits: WorkflowLimits) => ({
  name: nameInput(limits),
  active: active.default(true),
  conditions: conditionsInput(limits),
  actions: actionsInput(limits),
});

/** Anything but an object is not a body of this route. */
const bodyError = { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'field_unknown' : 'request_body_invalid') };

export const workflowInput = (limits: WorkflowLimits) => z.strictObject(workflowFields(limits), bodyError);
export type WorkflowInput = z.output<ReturnType<typeof workflowInput>>;

/** PATCH: any of name, active, conditions, actions (the latter two replace the lists). */
export const workflowPatch = (limits: WorkflowLimits) => {
  const fields = workflowFields(limits);
  return z.strictObject(
    { name: fields.name.optional(), active: active.optional(), conditions: fields.conditions.optional(), actions: fields.actions.optional() },
    bodyError,
  );
};
export type WorkflowPatch = z.output<ReturnType<typeof workflowPatch>>;

/** Topics are catalog event types; expands name top-level fields of the event's data. */
const SUBSCRIPTION_NAME_MAX = 128;
const EXPANDS_MAX = 100;
const storable = (text: string) => !hasUnstorableCharacters(text);

/** MyCashflow's POST /api/v1/webhooks body: a subscription is a workflow with one event condition and one action. */
export const subscriptionInput = (limits: WorkflowLimits) =>
  z.strictObject(
    {
      topic: z
        .string({ error: 'topic_required' })
        .min(1, { error: 'topic_required', abort: true })
        .max(SUBSCRIPTION_NAME_MAX, { error: 'event_type_unknown', abort: true })
        .refine(storable, { error: 'event_type_unknown' })
        .meta({ description: 'An event type of the catalog (else 422 event_type_unknown)', example: 'order.created' }),
      expands: z
        .array(z.string({ error: 'expands_invalid' }).min(1, { error: 'expands_invalid' }).max(SUBSCRIPTION_NAME_MAX, { error: 'expands_invalid' }).refine(storable, { error: 'expands_invalid' }), {
          error: 'expands_invalid',
        })
        .max(EXPANDS_MAX, { error: 'expands_invalid' })
        .nullish()
        .transform((expands) => expands ?? [])
        .meta({ example: ['payments', 'shipments'] }),
      url: webhookUrlInput(limits),
    },
    bodyError,
  );
export type SubscriptionInput = z.output<ReturnType<typeof subscriptionInput>>;

/** A catalog id of the admin route: `code` when it is no string or not CATALOG_ID's shape. */
const catalogEntryId = (code: string) => z.string({ error: code }).regex(CATALOG_ID, { error: code });
/** A display name or description Postgres can store; absent is fine (defaults to the id, or ''). */
const catalogText = z
  .string({ error: 'display_text_invalid' })
  .max(CATALOG_TEXT_MAX, { error: 'display_text_invalid' })
  .refine(storable, { error: 'display_text_invalid' })
  .optional();
/** An event type inside the body: an object of its own shape, or event_type_invalid. */
const entryError = { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'field_unknown' : 'event_type_invalid') };

/**
 * An operator's addition to the event-type catalog (POST /admin/event-types):
 * one source, new or existing, and event types of it, in the GET
 * /workflows/event-types shape. Display names default to the ids,
 * descriptions to ''.
 */
export const eventSourceInput = z
  .strictObject(
    {
      id: catalogEntryId('source_id_invalid').meta({ example: 'billing', description: 'A new or existing source' }),
      display_name: catalogText.meta({ example: 'Billing', description: 'Defaults to the id' }),
      description: catalogText,
      events: z
        .array(
          z.strictObject(
            {
              id: catalogEntryId('event_type_id_invalid').meta({ example: 'invoice.paid' }),
              display_name: catalogText.meta({ example: 'Invoice paid', description: 'Defaults to the id' }),
              description: catalogText,
            },
            entryError,
          ),
          { error: 'events_required' },
        )
        .min(1, { error: 'events_required' })
        .refine((events) => new Set(events.map((e) => e.id)).size === events.length, { error: 'event_type_duplicate' }),
    },
    bodyError,
  )
  .transform(({ id, display_name, description, events }) => ({
    id,
    display_name: display_name ?? id,
    description: description ?? '',
    events: events.map((e) => ({ id: e.id, display_name: e.display_name ?? e.id, description: e.description ?? '' })),
  }));
export type EventSourceInput = z.output<typeof eventSourceInput>;

/** Every input schema of the Workflows API for one set of limits. */
export function workflowInputSchemas(limits: WorkflowLimits) {
  return {
    workflow: workflowInput(limits),
    patch: workflowPatch(limits),
    action: actionInput(limits),
    condition: conditionInput(limits),
    subscription: subscriptionInput(limits),
  };
}
export type WorkflowInputSchemas = ReturnType<typeof workflowInputSchemas>;
export type { ConditionInput };
