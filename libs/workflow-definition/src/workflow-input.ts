import { PayloadFormat, RetryPolicyRef } from '@hookstream/contracts';

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
export const ENTITY_ID = /^ent_[a-z0-9]+$/;
export const PROCESSING_CHANNEL_ID = /^pc_[a-z0-9]+$/;
export const CONDITION_TYPES = ['event', 'entity', 'processing_channel'] as const;
const NAME_MAX = 255;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** An absolute http(s) URL with a host. */
export function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function unknownFields(body: Obj, allowed: readonly string[], codes: Set<string>): void {
  if (Object.keys(body).some((k) => !allowed.includes(k))) codes.add('field_unknown');
}

function idList(value: unknown, pattern: RegExp, required: string, invalid: string, codes: Set<string>): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    codes.add(required);
    return [];
  }
  if (!value.every((v) => typeof v === 'string' && pattern.test(v))) codes.add(invalid);
  return value as string[];
}

function readEvents(value: unknown, codes: Set<string>): Record<string, string[]> {
  if (!isObject(value) || Object.keys(value).length === 0) {
    codes.add('events_required');
    return {};
  }
  for (const [source, types] of Object.entries(value)) {
    if (!isNonEmptyString(source) || !Array.isArray(types) || types.length === 0 || !types.every(isNonEmptyString)) codes.add('events_invalid');
  }
  return value as Record<string, string[]>;
}

function conditionInto(body: unknown, codes: Set<string>): ConditionInput | undefined {
  if (!isObject(body)) {
    codes.add('condition_invalid');
    return undefined;
  }
  switch (body.type) {
    case 'event':
      unknownFields(body, ['type', 'events'], codes);
      return { type: 'event', events: readEvents(body.events, codes) };
    case 'entity':
      unknownFields(body, ['type', 'entities'], codes);
      return { type: 'entity', entities: idList(body.entities, ENTITY_ID, 'entities_required', 'entity_id_invalid', codes) };
    case 'processing_channel':
      unknownFields(body, ['type', 'processing_channels'], codes);
      return {
        type: 'processing_channel',
        processing_channels: idList(body.processing_channels, PROCESSING_CHANNEL_ID, 'processing_channels_required', 'processing_channel_id_invalid', codes),
      };
    default:
      codes.add('condition_type_invalid');
      return undefined;
  }
}

const ACTION_FIELDS = ['type', 'url', 'headers', 'signature', 'format', 'retry_policy', 'timeout_ms', 'cloudevents_mode'] as const;

function actionInto(body: unknown, codes: Set<string>): ActionInput | undefined {
  if (!isObject(body)) {
    codes.add('action_invalid');
    return undefined;
  }
  if (body.type !== 'webhook') {
    codes.add('action_type_invalid');
    return undefined;
  }
  unknownFields(body, ACTION_FIELDS, codes);
  if (body.url === undefined) codes.add('url_required');
  else if (!isWebhookUrl(body.url)) codes.add('url_invalid');
  const headers = body.headers ?? {};
  if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) codes.add('headers_invalid');
  let signature: ActionInput['signature'];
  if (body.signature !== undefined) {
    const s = body.signature;
    const method = isObject(s) ? (s.method ?? 'HMACSHA256') : undefined;
    if (!isObject(s) || method !== 'HMACSHA256' || !isNonEmptyString(s.key) || Object.keys(s).some((k) => k !== 'method' && k !== 'key')) {
      codes.add('signature_invalid');
    } else signature = { method: 'HMACSHA256', key: s.key as string };
  }
  const action: ActionInput = { type: 'webhook', url: body.url as string, headers: headers as Record<string, string>, signature };
  if (body.format !== undefined) {
    if (PayloadFormat.safeParse(body.format).success) action.format = body.format as PayloadFormat;
    else codes.add('format_invalid');
  }
  if (body.retry_policy !== undefined) {
    if (RetryPolicyRef.safeParse(body.retry_policy).success) action.retry_policy = body.retry_policy as RetryPolicyRef;
    else codes.add('retry_policy_invalid');
  }
  if (body.timeout_ms !== undefined) {
    if (Number.isInteger(body.timeout_ms) && (body.timeout_ms as number) > 0 && (body.timeout_ms as number) <= 60_000) action.timeout_ms = body.timeout_ms as number;
    else codes.add('timeout_ms_invalid');
  }
  if (body.cloudevents_mode !== undefined) {
    if (body.cloudevents_mode === 'structured' || body.cloudevents_mode === 'binary') action.cloudevents_mode = body.cloudevents_mode;
    else codes.add('cloudevents_mode_invalid');
  }
  return action;
}

function conditionsInto(value: unknown, codes: Set<string>): ConditionInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    codes.add('conditions_required');
    return [];
  }
  const conditions = value.map((c) => conditionInto(c, codes)).filter((c): c is ConditionInput => c !== undefined);
  if (new Set(conditions.map((c) => c.type)).size !== conditions.length) codes.add('condition_type_duplicate');
  return conditions;
}

function actionsInto(value: unknown, codes: Set<string>): ActionInput[] {
  if (!Array.isArray(value) || value.length === 0) {
    codes.add('actions_required');
    return [];
  }
  return value.map((a) => actionInto(a, codes)).filter((a): a is ActionInput => a !== undefined);
}

function result<T>(value: T, codes: Set<string>): ReadResult<T> {
  return codes.size > 0 ? { ok: false, codes: [...codes] } : { ok: true, value };
}

function nameInto(value: unknown, codes: Set<string>): string {
  if (!isNonEmptyString(value)) codes.add('name_required');
  else if (value.length > NAME_MAX) codes.add('name_invalid');
  return value as string;
}

/** A create-workflow body -> its input, or every error code it earns. */
export function readWorkflowInput(body: unknown): ReadResult<WorkflowInput> {
  const codes = new Set<string>();
  if (!isObject(body)) return { ok: false, codes: ['request_body_invalid'] };
  unknownFields(body, ['name', 'active', 'conditions', 'actions'], codes);
  const name = nameInto(body.name, codes);
  if (body.active !== undefined && typeof body.active !== 'boolean') codes.add('active_invalid');
  const conditions = conditionsInto(body.conditions, codes);
  const actions = actionsInto(body.actions, codes);
  return result({ name, active: body.active !== false, conditions, actions }, codes);
}

/** PATCH: any of name, active, conditions, actions (the latter two replace the lists). */
export function readWorkflowPatch(body: unknown): ReadResult<WorkflowPatch> {
  const codes = new Set<string>();
  if (!isObject(body)) return { ok: false, codes: ['request_body_invalid'] };
  unknownFields(body, ['name', 'active', 'conditions', 'actions'], codes);
  const patch: WorkflowPatch = {};
  if (body.name !== undefined) patch.name = nameInto(body.name, codes);
  if (body.active !== undefined) {
    if (typeof body.active !== 'boolean') codes.add('active_invalid');
    else patch.active = body.active;
  }
  if (body.conditions !== undefined) patch.conditions = conditionsInto(body.conditions, codes);
  if (body.actions !== undefined) patch.actions = actionsInto(body.actions, codes);
  return result(patch, codes);
}

export function readConditionInput(body: unknown): ReadResult<ConditionInput> {
  const codes = new Set<string>();
  const condition = conditionInto(body, codes);
  return condition ? result(condition, codes) : { ok: false, codes: [...codes] };
}

export function readActionInput(body: unknown): ReadResult<ActionInput> {
  const codes = new Set<string>();
  const action = actionInto(body, codes);
  return action ? result(action, codes) : { ok: false, codes: [...codes] };
}
