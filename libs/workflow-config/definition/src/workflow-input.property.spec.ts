import fc from 'fast-check';
import { Topics, WorkflowState } from '@hookstream/contracts';
import { createWorkflow } from './workflow-changes';
import { newSigningSecret } from './workflow-secrets';
import { ReadResult, readActionInput, readConditionInput, readWorkflowInput, readWorkflowPatch } from './workflow-input';
import { DEFAULT_WORKFLOW_LIMITS, workflowLimitCodes } from './workflow-limits';
import { readSubscriptionInput } from './subscription';

/** 20,000 levels of arrays or objects: what a hostile JSON body can hold within 1 MB. */
function deeplyNested(depth: number, asObject: boolean): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

const prototypeNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\r\n', ...prototypeNames, 'x'.repeat(70_000), `https://example.com/${'p'.repeat(9_000)}`),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(300_000_000_000_000, Number.MAX_SAFE_INTEGER, 1e308, -1, 0, -0, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
);
/** Objects as JSON.parse makes them: a "__proto__" key is an own property there. */
const fromJson = fc.constantFrom(...prototypeNames.map((name) => JSON.parse(`{"${name}": ["payment_approved"], "gateway": "x"}`)));
const hostileLeaf = fc.oneof(hostileString, hostileNumber, fc.constantFrom(null, true, false, undefined), fromJson);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileLeaf },
  { weight: 1, arbitrary: fc.constantFrom(deeplyNested(20_000, false), deeplyNested(20_000, true)) },
  { weight: 2, arbitrary: fc.array(hostileLeaf, { maxLength: 5 }) },
  { weight: 2, arbitrary: fc.dictionary(hostileString, hostileLeaf, { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.array(fc.constant('ent_a'), { minLength: 501, maxLength: 600 }) },
);

const validAction = { type: 'webhook', url: 'https://example.com/hook', headers: { Authorization: 'k' }, signature: { key: 'secret' }, retry_policy: [1_000] };
const validBody = {
  name: 'Hostile',
  conditions: [
    { type: 'event', events: { gateway: ['payment_approved'] } },
    { type: 'entity', entities: ['ent_a'] },
    { type: 'processing_channel', processing_channels: ['pc_a'] },
  ],
  actions: [validAction],
};

/** Every field a client sets, as a path into the create body. */
const paths: (string | number)[][] = [
  ['name'],
  ['active'],
  ['conditions'],
  ['conditions', 0],
  ['conditions', 0, 'type'],
  ['conditions', 0, 'events'],
  ['conditions', 0, 'events', 'gateway'],
  ['conditions', 0, 'events', 'gateway', 0],
  ['conditions', 1, 'entities'],
  ['conditions', 1, 'entities', 0],
  ['conditions', 2, 'processing_channels'],
  ['conditions', 2, 'processing_channels', 0],
  ['actions'],
  ['actions', 0],
  ['actions', 0, 'type'],
  ['actions', 0, 'url'],
  ['actions', 0, 'headers'],
  ['actions', 0, 'headers', 'Authorization'],
  ['actions', 0, 'signature'],
  ['actions', 0, 'signature', 'key'],
  ['actions', 0, 'signature', 'method'],
  ['actions', 0, 'format'],
  ['actions', 0, 'retry_policy'],
  ['actions', 0, 'retry_policy', 0],
  ['actions', 0, 'timeout_ms'],
  ['actions', 0, 'cloudevents_mode'],
];

function withValueAt(body: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
  return copy;
}

/** A reader's answer is codes, or a value whose state the contract and the limits accept. */
function expectCodesOrPublishable(read: ReadResult<unknown>, toState?: (value: never) => WorkflowState): void {
  if (!read.ok) {
    expect(read.codes.length).toBeGreaterThan(0);
    for (const code of read.codes) expect(code).toMatch(/^[a-z][a-z_]*$/);
    return;
  }
  if (!toState) return;
  const state = toState(read.value as never);
  expect(workflowLimitCodes(state, DEFAULT_WORKFLOW_LIMITS)).toEqual([]);
  const check = Topics.workflowConfig.schema.safeParse(JSON.parse(JSON.stringify(state)));
  expect(check.success ? '' : check.error.message).toBe('');
}

const ctx = { now: new Date('2026-12-01T00:00:00.000Z'), newSigningSecret };
const stateOf = (input: Parameters<typeof createWorkflow>[1]) => createWorkflow('ten_a', input, ctx);

describe('the Workflows API readers against hostile values', () => {
  it('accept the valid body the hostile ones start from', () => {
    expect(readWorkflowInput(validBody)).toMatchObject({ ok: true });
  });

  it('answer codes, never throw, and whatever they accept is publishable: every field of a create or PATCH body', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), hostileValue, (path, value) => {
        const hostile = withValueAt(validBody, path, value);
        expectCodesOrPublishable(readWorkflowInput(hostile), stateOf);
        expectCodesOrPublishable(readWorkflowPatch(hostile));
      }),
      { numRuns: 600 },
    );
  });

  it('the same for an action or condition read alone, and for subscriptions', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p[0] === 'actions' && p.length > 2)), hostileValue, (path, value) => {
        const hostile = withValueAt(validAction, path.slice(2), value);
        expectCodesOrPublishable(readActionInput(hostile), (action) => stateOf({ name: 'x', active: true, conditions: [], actions: [action] }));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), hostileValue, fc.constantFrom('events', 'entities', 'processing_channels', 'type'), (i, value, field) => {
        const hostile = withValueAt(validBody.conditions[i], [field], value);
        expectCodesOrPublishable(readConditionInput(hostile));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom('topic', 'expands', 'url'), hostileValue, (field, value) => {
        expectCodesOrPublishable(readSubscriptionInput(withValueAt({ topic: 'order.created', expands: ['payments'], url: 'https://example.com' }, [field], value)));
      }),
      { numRuns: 300 },
    );
  });

  it('whole bodies of hostile shape answer codes', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        expectCodesOrPublishable(readWorkflowInput(value));
        expectCodesOrPublishable(readWorkflowPatch(value));
        expectCodesOrPublishable(readActionInput(value));
        expectCodesOrPublishable(readConditionInput(value));
      }),
      { numRuns: 300 },
    );
  });
});
