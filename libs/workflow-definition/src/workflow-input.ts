import { hasUnstorableCharacters, PayloadFormat, RetryPolicyName, RetryPolicyRef } from '@hookstream/contracts';
import { DEFAULT_WORKFLOW_LIMITS, headerCodes, retryDelaysWithinBounds, timeoutWithinBounds, WorkflowLimits } from './workflow-limits';

export type ConditionInput =
  | { type: 'event'; events: Record<string, string[]> }
  | { type: 'entity'; entities: string[] }
  | { type: 'processing_channel'; processing_channels: string[] };

export interface ActionInput {
  type: 'webhook';
  url: string;
  headers: Record<string, string>;
  signature?: { method: 'HMACSHA256'; key: string };
  format?: PayloadFormat;
  retry_policy?: RetryPolicyRef;
  timeout_ms?: number;
  cloudevents_mode?: 'structured' | 'binary';
}

export interface WorkflowInput {
  name: string;
  active: boolean;
  conditions: ConditionInput[];
  actions: ActionInput[];
}

export interface WorkflowPatch {
  name?: string;
  active?: boolean;
  conditions?: ConditionInput[];
  actions?: ActionInput[];
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; codes: string[] };

/** Checkout.com's entity ids: the docs' own examples have 23 characters, so any length >= 1. */
export const ENTITY_ID = /^ent_[a-z0-9]{1,100}$/;
export const PROCESSING_CHANNEL_ID = /^pc_[a-z0-9]{1,100}$/;
export const CONDITION_TYPES = ['event', 'entity', 'processing_channel'] as const;
/** Catalog ids are at most 128 characters (event-type-catalog's CATALOG_ID). */
const EVENT_ID_MAX = 128;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isEventId = (v: unknown): v is string => isNonEmptyString(v) && v.length <= EVENT_ID_MAX && !hasUnstorableCharacters(v) && v !== '__proto__';

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
export function urlCodes(value: unknown, limits: WorkflowLimits): string[] {
  if (value === undefined) return ['url_required'];
  if (typeof value === 'string' && value.length > limits.urlLength) return ['url_too_long'];
  return isWebhookUrl(value) ? [] : ['url_invalid'];
}

function unknownFields(body: Obj, allowed: readonly string[], codes: Set<string>): void {
  if (Object.keys(body).some((k) => !allowed.includes(k))) codes.add('field_unknown');
}

interface IdListCodes {
  required: string;
  invalid: string;
  tooMany: string;
}

function idList(value: unknown, pattern: RegExp, names: IdListCodes, limits: WorkflowLimits, codes: Set<string>): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    codes.add(names.required);
    return [];
  }
  if (value.length > limits.conditionValues) {
    codes.add(names.tooMany);
    return [];
  }
  if (!value.every((v) => typeof v === 'string' && pattern.test(v))) codes.add(names.invalid);
  return value as string[];
}

/** {source: [event type, …]}, rebuilt from its own entries, so no key reaches a prototype. */
function readEvents(value: unknown, limits: WorkflowLimits, codes: Set<string>): Record<string, string[]> {
  if (!isObject(value) || Object.keys(value).length === 0) {
    codes.add('events_required');
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > limits.eventSources) {
    codes.add('events_too_many');
    return {};
  }
  let types = 0;
  for (const [source, list] of entries) {
    if (!isEventId(source) || !Array.isArray(list) || list.length === 0) {
      codes.add('events_invalid');
      continue;
    }
    types += list.length;
    if (types > limits.eventTypes) {
      codes.add('events_too_many');
      return {};
    }
    if (!list.every(isEventId)) codes.add('events_invalid');
  }
  return Object.fromEntries(entries) as Record<string, string[]>;
}

function conditionInto(body: unknown, limits: WorkflowLimits, codes: Set<string>): ConditionInput | undefined {
  if (!isObject(body)) {
    codes.add('condition_invalid');
    return undefined;
  }
  switch (body.type) {
    case 'event':
      unknownFields(body, ['type', 'events'], codes);
      return { type: 'event', events: readEvents(body.events, limits, codes) };
    case 'entity':
      unknownFields(body, ['type', 'entities'], codes);
      return {
        type: 'entity',
        entities: idList(body.entities, ENTITY_ID, { required: 'entities_required', invalid: 'entity_id_invalid', tooMany: 'entities_too_many' }, limits, codes),
      };
    case 'processing_channel':
      unknownFields(body, ['type', 'processing_channels'], codes);
      return {
        type: 'processing_channel',
        processing_channels: idList(
          body.processing_channels,
          PROCESSING_CHANNEL_ID,
          { required: 'processing_channels_required', invalid: 'processing_channel_id_invalid', tooMany: 'processing_channels_too_many' },
          limits,
          codes,
        ),
      };
    default:
      codes.add('condition_type_invalid');
      return undefined;
  }
}

const ACTION_FIELDS = ['type', 'url', 'headers', 'signature', 'format', 'retry_policy', 'timeout_ms', 'cloudevents_mode'] as const;

/** A headers object's entries, each value a string; rebuilt from its own entries. */
function readHeaders(value: unknown, limits: WorkflowLimits, codes: Set<string>): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    codes.add('headers_invalid');
    return {};
  }
  const entries = Object.entries(value);
  // Counted before anything else is looked at: a million headers earn one code, fast.
  if (entries.length > limits.headers) {
    codes.add('headers_too_many');
    return {};
  }
  if (!entries.every(([, v]) => typeof v === 'string')) {
    codes.add('headers_invalid');
    return {};
  }
  const headers = new Map(entries as [string, string][]);
  for (const code of headerCodes(headers, limits)) codes.add(code);
  return Object.fromEntries(headers);
}

function readSignature(value: unknown, limits: WorkflowLimits, codes: Set<string>): ActionInput['signature'] {
  if (value === undefined) return undefined;
  const method = isObject(value) ? (value.method ?? 'HMACSHA256') : undefined;
  if (!isObject(value) || method !== 'HMACSHA256' || !isNonEmptyString(value.key) || Object.keys(value).some((k) => k !== 'method' && k !== 'key')) {
    codes.add('signature_invalid');
    return undefined;
  }
  if (value.key.length > limits.signatureKeyLength) codes.add('signature_key_too_long');
  else if (hasUnstorableCharacters(value.key)) codes.add('signature_invalid');
  return { method: 'HMACSHA256', key: value.key };
}

function readRetryPolicy(value: unknown, codes: Set<string>): RetryPolicyRef | undefined {
  if (typeof value === 'string' && RetryPolicyName.safeParse(value).success) return value as RetryPolicyRef;
  if (Array.isArray(value) && retryDelaysWithinBounds(value)) return value as number[];
  codes.add('retry_policy_invalid');
  return undefined;
}

function actionInto(body: unknown, limits: WorkflowLimits, codes: Set<string>): ActionInput | undefined {
  if (!isObject(body)) {
    codes.add('action_invalid');
    return undefined;
  }
  if (body.type !== 'webhook') {
    codes.add('action_type_invalid');
    return undefined;
  }
  unknownFields(body, ACTION_FIELDS, codes);
  for (const code of urlCodes(body.url, limits)) codes.add(code);
  const action: ActionInput = {
    type: 'webhook',
    url: body.url as string,
    headers: readHeaders(body.headers, limits, codes),
    signature: readSignature(body.signature, limits, codes),
  };
  if (body.format !== undefined) {
    if (PayloadFormat.safeParse(body.format).success) action.format = body.format as PayloadFormat;
    else codes.add('format_invalid');
  }
  if (body.retry_policy !== undefined) action.retry_policy = readRetryPolicy(body.retry_policy, codes);
  if (body.timeout_ms !== undefined) {
    if (timeoutWithinBounds(body.timeout_ms)) action.timeout_ms = body.timeout_ms;
    else codes.add('timeout_ms_invalid');
  }
  if (body.cloudevents_mode !== undefined) {
    if (body.cloudevents_mode === 'structured' || body.cloudevents_mode === 'binary') action.cloudevents_mode = body.cloudevents_mode;
    else codes.add('cloudevents_mode_invalid');
  }
  return action;
}

function conditionsInto(value: unknown, limits: WorkflowLimits, codes: Set<string>): ConditionInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    codes.add('conditions_required');
    return [];
  }
  // One of each type at most: more is a duplicate, and not worth reading.
  if (value.length > CONDITION_TYPES.length) {
    codes.add('condition_type_duplicate');
    return [];
  }
  const conditions = value.map((c) => conditionInto(c, limits, codes)).filter((c): c is ConditionInput => c !== undefined);
  if (new Set(conditions.map((c) => c.type)).size !== conditions.length) codes.add('condition_type_duplicate');
  return conditions;
}

function actionsInto(value: unknown, limits: WorkflowLimits, codes: Set<string>): ActionInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    codes.add('actions_required');
    return [];
  }
  if (value.length > limits.actions) {
    codes.add('actions_too_many');
    return [];
  }
  return value.map((a) => actionInto(a, limits, codes)).filter((a): a is ActionInput => a !== undefined);
}

function result<T>(value: T, codes: Set<string>): ReadResult<T> {
  return codes.size > 0 ? { ok: false, codes: [...codes] } : { ok: true, value };
}

function nameInto(value: unknown, limits: WorkflowLimits, codes: Set<string>): string {
  if (!isNonEmptyString(value)) codes.add('name_required');
  else if (value.length > limits.nameLength) codes.add('name_too_long');
  else if (hasUnstorableCharacters(value)) codes.add('name_invalid');
  return value as string;
}

/** A create-workflow body -> its input, or every error code it earns. */
export function readWorkflowInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<WorkflowInput> {
  const codes = new Set<string>();
  if (!isObject(body)) return { ok: false, codes: ['request_body_invalid'] };
  unknownFields(body, ['name', 'active', 'conditions', 'actions'], codes);
  const name = nameInto(body.name, limits, codes);
  if (body.active !== undefined && typeof body.active !== 'boolean') codes.add('active_invalid');
  const conditions = conditionsInto(body.conditions, limits, codes);
  const actions = actionsInto(body.actions, limits, codes);
  return result({ name, active: body.active !== false, conditions, actions }, codes);
}

/** PATCH: any of name, active, conditions, actions (the latter two replace the lists). */
export function readWorkflowPatch(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<WorkflowPatch> {
  const codes = new Set<string>();
  if (!isObject(body)) return { ok: false, codes: ['request_body_invalid'] };
  unknownFields(body, ['name', 'active', 'conditions', 'actions'], codes);
  const patch: WorkflowPatch = {};
  if (body.name !== undefined) patch.name = nameInto(body.name, limits, codes);
  if (body.active !== undefined) {
    if (typeof body.active !== 'boolean') codes.add('active_invalid');
    else patch.active = body.active;
  }
  if (body.conditions !== undefined) patch.conditions = conditionsInto(body.conditions, limits, codes);
  if (body.actions !== undefined) patch.actions = actionsInto(body.actions, limits, codes);
  return result(patch, codes);
}

export function readConditionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<ConditionInput> {
  const codes = new Set<string>();
  const condition = conditionInto(body, limits, codes);
  return condition ? result(condition, codes) : { ok: false, codes: [...codes] };
}

export function readActionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<ActionInput> {
  const codes = new Set<string>();
  const action = actionInto(body, limits, codes);
  return action ? result(action, codes) : { ok: false, codes: [...codes] };
}
