import fc from 'fast-check';
import { newId, PRINTABLE_TEXT } from '@hookstream/contracts';
import { DatabaseUnavailableError, UpstreamError } from './api-error';
import { errorResponse } from './api-exception.filter';
import { againstDatabase, isDatabaseUnreachable } from './database-availability';
import { isWellFormedPathId, nestsDeeperThan } from './hostile-input';
import { PathIdPipe } from './path-id.pipe';

const nested = (levels: number, asArray = false): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value };
  return value;
};

describe('nestsDeeperThan', () => {
  it('measures 20,000 levels without recursing', () => {
    expect(nestsDeeperThan(nested(20_000), 64)).toBe(true);
    expect(nestsDeeperThan(nested(20_000, true), 64)).toBe(true);
  });

  it('allows exactly the limit, the body itself being level 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.boolean(), (levels, asArray) => {
        expect(nestsDeeperThan(nested(levels, asArray), levels)).toBe(false);
        expect(nestsDeeperThan(nested(levels + 1, asArray), levels)).toBe(true);
      }),
    );
    expect(nestsDeeperThan(undefined, 1)).toBe(false);
    expect(nestsDeeperThan('text', 1)).toBe(false);
  });
});

const CONTROL = fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c));

describe('isWellFormedPathId', () => {
  it('takes the ids the platform makes, in their own parameter', () => {
    expect(isWellFormedPathId('workflowId', newId('wf'))).toBe(true);
    expect(isWellFormedPathId('workflowActionId', newId('wfa'))).toBe(true);
    expect(isWellFormedPathId('workflowConditionId', newId('wfc'))).toBe(true);
    expect(isWellFormedPathId('eventId', newId('evt'))).toBe(true);
    expect(isWellFormedPathId('uuid', '6f1c1e1a-2b3c-4d5e-8f90-a1b2c3d4e5f6')).toBe(true);
    expect(isWellFormedPathId('subjectId', 'pay_😀 order 42')).toBe(true);
    expect(isWellFormedPathId('tenantId', 'ten_local')).toBe(true);
  });

  it('refuses another kind of id, NUL, control characters, lone surrogates and overlong ids in every parameter', () => {
    expect(isWellFormedPathId('workflowId', newId('evt'))).toBe(false);
    expect(isWellFormedPathId('subjectId', 'x'.repeat(201))).toBe(false);
    expect(isWellFormedPathId('subjectId', '')).toBe(false);
    fc.assert(
      fc.property(
        fc.constantFrom('workflowId', 'workflowActionId', 'workflowConditionId', 'eventId', 'uuid', 'subjectId', 'tenantId', 'anyOther'),
        fc.oneof(CONTROL, fc.constantFrom('\ud800', '\udfff')),
        fc.string({ maxLength: 10 }),
        (name, bad, around) => {
          expect(isWellFormedPathId(name, `${around}${bad}${around}`)).toBe(false);
        },
      ),
    );
  });

  it('answers 404 from the pipe for a malformed route parameter and leaves bodies and queries alone', () => {
    const pipe = new PathIdPipe();
    expect(() => pipe.transform('wf_\u0000', { type: 'param', data: 'workflowId' })).toThrow(expect.objectContaining({ status: 404 }));
    const id = newId('wf');
    expect(pipe.transform(id, { type: 'param', data: 'workflowId' })).toBe(id);
    expect(pipe.transform('\u0000', { type: 'query', data: 'cursor' })).toBe('\u0000');
    expect(pipe.transform({ a: '\u0000' }, { type: 'body' })).toEqual({ a: '\u0000' });
  });

  it('keeps printable names, surrogate pairs included', () => {
    expect(PRINTABLE_TEXT.test('Acme Ltd 😀')).toBe(true);
    expect(PRINTABLE_TEXT.test('Acme\u0000')).toBe(false);
    expect(PRINTABLE_TEXT.test('Acme\ud800')).toBe(false);
  });
});

describe('isDatabaseUnreachable', () => {
  it("tells Postgres being away from a query it refused, through TypeORM's wrapping", () => {
    expect(isDatabaseUnreachable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error('query failed'), { driverError: { code: '57P01', message: 'terminating connection due to administrator command' } }))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error('invalid byte sequence'), { driverError: { code: '22021' } }))).toBe(false);
  });

  it('turns unreachability into a 503 with Retry-After, and lets other faults through', async () => {
    const down = againstDatabase(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    await expect(down).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(againstDatabase(() => Promise.reject(new TypeError('bug')))).rejects.toBeInstanceOf(TypeError);
    expect(errorResponse(new DatabaseUnavailableError('down'))).toEqual({
      status: 503,
      body: { error_type: 'service_unavailable', error_codes: ['database_unavailable'] },
      retryAfter: '5',
    });
  });

  it("passes an internal service's Retry-After on with its 503", () => {
    const upstream = new UpstreamError(503, { error_type: 'service_unavailable', error_codes: ['postgres_unavailable'] }, '5');
    expect(errorResponse(upstream)).toEqual({ status: 503, body: { error_type: 'service_unavailable', error_codes: ['postgres_unavailable'] }, retryAfter: '5' });
  });
});
