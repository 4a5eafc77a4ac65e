import { z } from 'zod';
import { idSchema } from '../ids';
import type { CanonicalEvent } from './event';
import { catalogIdIn, guarded, isObject, PROTOTYPE_KEY } from './input-codes';
import { limitText, WorkflowCeilings, WorkflowLimits } from './workflow-limits';

/*
 * The condition types: one entry each, holding every rule of its type (what
 * is stored, how the API reads it, when it holds, how the matcher's index
 * files it, how /test shapes a sample to pass it). A type missing a part
 * does not compile (ConditionEntries below).
 */

const conditionValue = z.string().max(WorkflowCeilings.conditionValueLength);

export const EventCondition = z.object({
  id: idSchema('wfc'),
  type: z.literal('event'),
  /** source -> event type ids */
  events: z
    .record(conditionValue, z.array(conditionValue))
    .refine((events) => Object.keys(events).length <= WorkflowCeilings.eventSources, { message: `more than ${WorkflowCeilings.eventSources} sources` })
    .refine((events) => Object.values(events).reduce((n, types) => n + types.length, 0) <= WorkflowCeilings.eventTypes, {
      message: `more than ${WorkflowCeilings.eventTypes} event types`,
    }),
});
export const EntityCondition = z.object({
  id: idSchema('wfc'),
  type: z.literal('entity'),
  entities: z.array(conditionValue).min(1).max(WorkflowCeilings.conditionValues),
});
export const ProcessingChannelCondition = z.object({
  id: idSchema('wfc'),
  type: z.literal('processing_channel'),
  processing_channels: z.array(conditionValue).min(1).max(WorkflowCeilings.conditionValues),
});
/** As stored and published on the config topic. */
export const WorkflowCondition = z.discriminatedUnion('type', [EventCondition, EntityCondition, ProcessingChannelCondition]);
export type WorkflowCondition = z.infer<typeof WorkflowCondition>;
export type ConditionType = WorkflowCondition['type'];

/** What a client sends for a condition of type K: the stored condition without its id. */
export type ConditionInputOf<K extends ConditionType> = Omit<Extract<WorkflowCondition, { type: K }>, 'id'>;
export type ConditionInput = { [K in ConditionType]: ConditionInputOf<K> }[ConditionType];

/** How the matcher's index files a condition, and finds an event's bucket. */
export interface ConditionIndexKeys<C> {
  /** Every key the condition accepts. */
  keysOf(condition: C): string[];
  /** The one key of an event; null when the event has none (it then meets only workflows without this condition). */
  keyOf(event: CanonicalEvent): string | null;
  /**
   * Does an event whose key is one of keysOf(condition) always satisfy
   * holds? Then the index's filing checks the condition by itself, and the
   * matcher need not keep it at hand.
   */
  exact(condition: C): boolean;
}

export interface ConditionEntry<K extends ConditionType> {
  /** How the API reads one, with the error codes it answers; its output is stored as it is. */
  input(limits: WorkflowLimits): z.ZodType<ConditionInputOf<K>> & z.core.$ZodTypeDiscriminable;
  /** Reads the condition's body, never its id: the matcher's index shares one body between workflows. */
  holds(condition: ConditionInputOf<K>, event: CanonicalEvent): boolean;
  /** null: not indexed; the matcher checks it with holds on the workflows it finds. */
  index: ConditionIndexKeys<ConditionInputOf<K>> | null;
  /** The test sample changed to pass this condition, or null when no change can. */
  sample(condition: Extract<WorkflowCondition, { type: K }>, sample: CanonicalEvent): CanonicalEvent | null;
}

type ConditionEntries = { [K in ConditionType]: ConditionEntry<K> };

/** Checkout.com's entity ids: the docs' own examples have 23 characters, so any length >= 1. */
export const ENTITY_ID = /^ent_[a-z0-9]{1,100}$/;
export const PROCESSING_CHANNEL_ID = /^pc_[a-z0-9]{1,100}$/;

const fieldUnknown = { error: 'field_unknown' } as const;
const eventKey = (source: string, type: string) => `${source}\u0000${type}`;

/** A list of ids of one pattern: `required` when absent or empty, `tooMany` past the limit, `invalid` for a bad id. */
interface IdListCodes {
  required: string;
  invalid: string;
  tooMany: string;
}

function idList(pattern: RegExp, codes: IdListCodes, limit: number, description: string) {
  return guarded(
    (v) => (!Array.isArray(v) || v.length === 0 ? codes.required : v.length > limit ? codes.tooMany : undefined),
    z.array(z.string({ error: codes.invalid }).regex(pattern, { error: codes.invalid }), { error: codes.required }).meta({ description }),
  );
}

/** How the API reads a condition of one list of ids (`{ type, <field>: [...] }`), with its codes. */
function idListInput<K extends ConditionType, F extends string>(type: K, field: F, pattern: RegExp, codes: IdListCodes, what: string) {
  return (limits: WorkflowLimits) =>
    z.strictObject(
      { type: z.literal(type), [field]: idList(pattern, codes, limits.conditionValues, `${what}: ${limitText(limits, 'conditionValues', codes.tooMany)}`) } as {
        type: z.ZodLiteral<K>;
      } & Record<F, ReturnType<typeof idList>>,
      fieldUnknown,
    );
}

const holdsEvent = (condition: { events: Record<string, string[]> }, event: CanonicalEvent) =>
  // Own entries only: a source named "constructor" must find nothing, not Object's constructor.
  Object.hasOwn(condition.events, event.source) && condition.events[event.source].includes(event.type);

export const ConditionRegistry = {
  event: {
    input(limits) {
      return z.strictObject(
        {
          type: z.literal('event'),
          events: guarded(
            (v) => {
              if (!isObject(v) || Object.keys(v).length === 0) return 'events_required';
              // A record would drop it unseen; refused rather than lost.
              if (Object.hasOwn(v, PROTOTYPE_KEY)) return 'events_invalid';
              const lists = Object.values(v);
              if (lists.length > limits.eventSources) return 'events_too_many';
              const types = lists.reduce((n: number, list) => n + (Array.isArray(list) ? list.length : 0), 0);
              return types > limits.eventTypes ? 'events_too_many' : undefined;
            },
            z
              .record(catalogIdIn('events_invalid'), z.array(catalogIdIn('events_invalid'), { error: 'events_invalid' }).min(1, { error: 'events_invalid' }), {
                error: 'events_invalid',
              })
              .meta({
                description:
                  'Source -> event types of the catalog (422 event_type_unknown). ' +
                  `Sources: ${limitText(limits, 'eventSources', 'events_too_many')}; event types in all: ${limitText(limits, 'eventTypes', 'events_too_many')}`,
                example: { gateway: ['payment_approved'] },
              }),
          ),
        },
        fieldUnknown,
      );
    },
    holds(condition, event) {
      return holdsEvent(condition, event);
    },
    index: {
      keysOf(condition) {
        return [...new Set(Object.entries(condition.events).flatMap(([source, types]) => types.map((type) => eventKey(source, type))))];
      },
      keyOf(event) {
        return eventKey(event.source, event.type);
      },
      exact(condition) {
        // With no NUL in a source or type, a key has one NUL and splits one way only.
        return Object.entries(condition.events).every(([source, types]) => !source.includes('\u0000') && types.every((type) => !type.includes('\u0000')));
      },
    },
    sample(condition, sample) {
      return holdsEvent(condition, sample) ? sample : null;
    },
  },
  entity: {
    input: idListInput('entity', 'entities', ENTITY_ID, { required: 'entities_required', invalid: 'entity_id_invalid', tooMany: 'entities_too_many' }, 'ent_ ids'),
    holds(condition, event) {
      return event.entity_id !== null && condition.entities.includes(event.entity_id);
    },
    index: {
      keysOf(condition) {
        return [...new Set(condition.entities)];
      },
      keyOf(event) {
        return event.entity_id;
      },
      // A key is an entity itself.
      exact(_condition) {
        return true;
      },
    },
    sample(condition, sample) {
      return { ...sample, entity_id: condition.entities[0] };
    },
  },
  processing_channel: {
    input: idListInput(
      'processing_channel',
      'processing_channels',
      PROCESSING_CHANNEL_ID,
      { required: 'processing_channels_required', invalid: 'processing_channel_id_invalid', tooMany: 'processing_channels_too_many' },
      'pc_ ids',
    ),
    holds(condition, event) {
      return event.processing_channel_id !== null && condition.processing_channels.includes(event.processing_channel_id);
    },
    index: null,
    sample(condition, sample) {
      return { ...sample, processing_channel_id: condition.processing_channels[0] };
    },
  },
} satisfies ConditionEntries;

export const CONDITION_TYPES = Object.keys(ConditionRegistry) as ConditionType[];

/** The entry of a condition's own type. */
export const conditionEntry = (condition: ConditionInput): ConditionEntry<ConditionType> => ConditionRegistry[condition.type];

/** Does every condition hold for the event? A workflow without a condition of a type is not restricted by it. */
export function conditionsHold(conditions: readonly ConditionInput[], event: CanonicalEvent): boolean {
  // A plain loop: this runs for every workflow a matched event meets.
  for (const condition of conditions) if (!conditionEntry(condition).holds(condition, event)) return false;
  return true;
}

/** How the API reads one condition: the codes of the type's own schema, condition_invalid or condition_type_invalid. */
export function conditionInput(limits: WorkflowLimits): z.ZodType<ConditionInput> {
  const options = CONDITION_TYPES.map((type) => ConditionRegistry[type].input(limits));
  return z.discriminatedUnion('type', options as [(typeof options)[number], ...(typeof options)[number][]], {
    error: (issue) => (issue.code === 'invalid_union' ? 'condition_type_invalid' : 'condition_invalid'),
  });
}
