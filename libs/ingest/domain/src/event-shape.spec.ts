import fc from 'fast-check';
import { KnownEventTypes } from './event-catalog';
import { findShapeProblem } from './event-shape';
import { readProducerEvent, ReadOptions } from './producer-event';

const knownEventTypes = new KnownEventTypes([
  { source: 'gateway', type: 'payment_approved' },
  { source: 'transactions', type: 'TransactionFinished' },
]);
const options: ReadOptions = { knownEventTypes, cloudEventSources: new Map([['https://api.public.caf.io/v1/orchestrations', 'transactions']]) };

const envelope = () => ({
  id: 'prod-1',
  tenant: 'ten_a',
  source: 'gateway',
  type: 'payment_approved',
  subject_id: 'pay_1',
  entity_id: 'ent_1',
  processing_channel_id: 'pc_1',
  version: '1.0.0',
  timestamp: '2026-11-22T10:00:00Z',
  data: { amount: 1, items: [{ name: 'a', tags: ['x'] }] },
  metadata: { webhookUrl: 'https://client.example/cb', region: 'eu' },
});
const cloudEvent = () => ({
  specversion: '1.0',
  id: 'ce-1',
  source: 'https://api.public.caf.io/v1/orchestrations',
  type: 'TransactionFinished',
  subject: 'txn_1',
  tenant: 'ten_a',
  entityid: 'ent_1',
  processingchannelid: 'pc_1',
  webhookurl: 'https://client.example/ce',
  data: { transactionId: 'txn_1', metadata: { webhookUrl: 'https://client.example/caf' }, list: [{ k: 'v' }] },
});

type Obj = Record<string, unknown>;
/** Every string leaf of an event, as a path of keys, so each one can be poisoned in turn. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}
function withValueAt<T>(event: T, path: (string | number)[], value: unknown): T {
  const copy = structuredClone(event) as Obj;
  let at: Obj = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Obj;
  at[path[path.length - 1]] = value;
  return copy as T;
}

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
/** An ASCII string with a NUL or a lone surrogate somewhere in it. */
const unstorable = fc
  .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', ...LONE_SURROGATES), fc.string({ maxLength: 20 }))
  .map(([before, bad, after]) => `${before}${bad}${after}`);
const controlCharacter = fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c));

describe('hostile strings in any field of a producer event', () => {
  it('refuses NUL or a lone surrogate in every string of the envelope and of a CloudEvent, naming the field', () => {
    for (const make of [envelope, cloudEvent]) {
      for (const path of stringPaths(make())) {
        if (path[0] === 'specversion') continue;
        fc.assert(
          fc.property(unstorable, (bad) => {
            const result = readProducerEvent(withValueAt(make(), path, bad), options);
            expect(result).toMatchObject({ ok: false, codes: ['string_invalid_characters'] });
            expect(!result.ok && result.reason.startsWith(path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1))).toBe(true);
          }),
          { numRuns: 20 },
        );
      }
    }
  });

  it('refuses them in object keys at any depth', () => {
    fc.assert(
      fc.property(unstorable, fc.integer({ min: 0, max: 10 }), (bad, depth) => {
        let data: Obj = { [bad]: 1 };
        for (let i = 0; i < depth; i++) data = { nested: [data] };
        expect(readProducerEvent({ ...envelope(), data }, options)).toMatchObject({ ok: false, codes: ['string_invalid_characters'] });
      }),
    );
  });

  it('refuses control characters in identifiers, which travel in keys and headers, but keeps them in data', () => {
    const identifiers = ['id', 'tenant', 'source', 'type', 'subject_id', 'entity_id', 'processing_channel_id', 'version'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...identifiers), controlCharacter, (field, control) => {
        const result = readProducerEvent({ ...envelope(), [field]: `x${control}y` }, options);
        expect(result).toMatchObject({ ok: false, codes: ['string_invalid_characters'], reason: expect.stringMatching(new RegExp(`^${field}: `)) });
      }),
    );
    expect(readProducerEvent({ ...cloudEvent(), subject: undefined, data: { transactionId: 'txn\r\n' } }, options)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^data\.transactionId: /),
    });
    expect(readProducerEvent({ ...envelope(), data: { note: 'line 1\nline 2\ttab' } }, options).ok).toBe(true);
  });

  it('keeps well-formed text: any Unicode, surrogate pairs (emoji) included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (text, key) => {
        fc.pre(!text.includes('\u0000') && !key.includes('\u0000'));
        const result = readProducerEvent({ ...envelope(), subject_id: 'pay_😀', data: { [key]: text, emoji: '👩‍👩‍👧' } }, options);
        expect(result.ok).toBe(true);
      }),
    );
  });
});

describe('depth, numbers and size', () => {
  const nested = (levels: number, leaf: unknown = 1, asArray = false): unknown => {
    let value = leaf;
    for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value };
    return value;
  };

  it('refuses 20,000 levels of objects or arrays without recursing, naming the limit', () => {
    for (const asArray of [false, true]) {
      const event = { ...envelope(), data: { deep: nested(20_000, 1, asArray) } };
      expect(readProducerEvent(event, options)).toMatchObject({ ok: false, codes: ['data_too_deep'], reason: expect.stringMatching(/deeper than 32 levels/) });
    }
  });

  it('accepts exactly the configured depth and refuses one more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 64 }), (maxDepth) => {
        // The event is level 1: data and what it holds may take the other maxDepth - 1.
        const fits = { ...envelope(), data: nested(maxDepth - 1) as Obj };
        const deeper = { ...envelope(), data: nested(maxDepth) as Obj };
        expect(readProducerEvent(fits, { ...options, maxDepth }).ok).toBe(true);
        expect(readProducerEvent(deeper, { ...options, maxDepth })).toMatchObject({ ok: false, codes: ['data_too_deep'] });
      }),
      { numRuns: 30 },
    );
  });

  it('refuses numbers JSON cannot carry (1e400 parses to Infinity) and keeps huge finite ones', () => {
    const parsed = JSON.parse(`{"source":"gateway","type":"payment_approved","subject_id":"p","tenant":"t","data":{"n":[1e400]}}`) as unknown;
    expect(readProducerEvent(parsed, options)).toMatchObject({ ok: false, codes: ['number_invalid'], reason: 'data.n[0]: must be a finite number' });
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.bigInt(), (n, big) => {
        expect(readProducerEvent({ ...envelope(), data: { n, big: Number(big) } }, options).ok).toBe(Number.isFinite(Number(big)));
      }),
    );
    expect(findShapeProblem({ n: Number.NaN })).toMatchObject({ code: 'number_invalid', path: 'n' });
  });

  it('refuses an event past the size limit before it could reach Kafka', () => {
    const big = { ...envelope(), data: { blob: 'x'.repeat(300 * 1024) } };
    expect(readProducerEvent(big, options)).toMatchObject({ ok: false, codes: ['event_too_large'], reason: expect.stringMatching(/at most 262144/) });
  });

  it('refuses identifiers too long for the dedup ledger, in CloudEvents too', () => {
    expect(readProducerEvent({ ...cloudEvent(), id: 'x'.repeat(10_000) }, options)).toMatchObject({ ok: false, codes: ['id_invalid'] });
    expect(readProducerEvent({ ...cloudEvent(), subject: undefined, data: { transactionId: 't'.repeat(201) } }, options)).toMatchObject({
      ok: false,
      codes: ['data_transaction_id_invalid'],
    });
  });
});

describe('prototype names and the catalog', () => {
  const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

  it('treats prototype names as unknown sources and types, never as lookups that throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom(...PROTOTYPE_NAMES, 'payment_approved'), (source, type) => {
        expect(readProducerEvent({ ...envelope(), source, type }, options)).toMatchObject({ ok: false, codes: ['event_type_unknown'] });
        expect(readProducerEvent({ ...cloudEvent(), source, type }, options)).toMatchObject({ ok: false, codes: ['event_type_unknown'] });
      }),
    );
  });

  it('refuses a type the catalog lacks, maps a CloudEvents source first, and checks nothing without a catalog', () => {
    expect(readProducerEvent({ ...envelope(), type: 'payment_teleported' }, options)).toMatchObject({
      ok: false,
      reason: 'event type unknown: source "gateway" has no type "payment_teleported" in the catalog',
    });
    expect(readProducerEvent(cloudEvent(), options)).toMatchObject({ ok: true, event: { source: 'transactions' } });
    expect(readProducerEvent({ ...envelope(), type: 'payment_teleported' }).ok).toBe(true);
  });

  it('keeps prototype-named keys in data and metadata as plain data', () => {
    const result = readProducerEvent({ ...envelope(), data: { constructor: 1, toString: 'x' }, metadata: { hasOwnProperty: true } }, options);
    expect(result).toMatchObject({ ok: true, event: { data: { constructor: 1, toString: 'x' }, extraMetadata: { hasOwnProperty: true } } });
  });
});
