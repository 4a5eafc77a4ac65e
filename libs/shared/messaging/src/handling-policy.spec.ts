import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { backoffMs, decideAfterFailure, DEFAULT_HANDLING_POLICY, failureReason, isTransient, TransientError } from './handling-policy';

const policy = DEFAULT_HANDLING_POLICY;

describe('isTransient', () => {
  it.each([
    ['a TransientError', new TransientError('database down')],
    ['a kafkajs connection error', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a Postgres connection exception (class 08)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a Postgres shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a broker without a leader for the partition yet', Object.assign(new KafkaJSProtocolError('There is no leader for this topic-partition'), { type: 'LEADER_NOT_AVAILABLE', retriable: true })],
    ['a pg pool that lost its server', new Error('Connection terminated unexpectedly')],
    ['a TypeORM error around a driver error', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '57P03' }) })],
    ['an error caused by an outage', new Error('could not publish', { cause: new KafkaJSConnectionError('Connection timeout') })],
  ])('%s is the world’s fault', (_, err) => {
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ['a plain error', new Error('cannot build the webhook body')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a Postgres refusal of the data', Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })],
    ['a broker refusing a message too large', Object.assign(new KafkaJSProtocolError('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE', retriable: false })],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['an error whose cause is its own', (() => { const e = new Error('loop') as Error & { cause?: unknown }; e.cause = e; return e; })()],
  ])('%s is the message’s fault', (_, err) => {
    expect(isTransient(err)).toBe(false);
  });
});

describe('decideAfterFailure', () => {
  it('retries a failing batch or message until maxHandlingAttempts tries, then gives up on it', () => {
    const err = new Error('poison');
    expect(decideAfterFailure(policy, 1, err)).toEqual({ kind: 'retry', afterMs: 100 });
    expect(decideAfterFailure(policy, 2, err)).toEqual({ kind: 'retry', afterMs: 200 });
    expect(decideAfterFailure(policy, 3, err)).toEqual({ kind: 'give_up' });
  });

  it('never gives up on an outage, and waits at most maxBackoffMs between tries', () => {
    const err = new TransientError('Postgres is down');
    expect(decideAfterFailure(policy, 3, err)).toEqual({ kind: 'retry', afterMs: 400 });
    expect(decideAfterFailure(policy, 1_000, err)).toEqual({ kind: 'retry', afterMs: policy.maxBackoffMs });
  });

  it('counts one try as enough when so configured', () => {
    expect(decideAfterFailure({ ...policy, maxHandlingAttempts: 1 }, 1, new Error('x'))).toEqual({ kind: 'give_up' });
  });
});

describe('backoffMs', () => {
  it('doubles from backoffMs and stays finite for any attempt', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(policy, a))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(policy, Number.MAX_SAFE_INTEGER)).toBe(policy.maxBackoffMs);
  });
});

describe('failureReason', () => {
  it('is the error message, else its name, else the thrown value as text', () => {
    expect(failureReason(new Error('bad'))).toBe('bad');
    expect(failureReason(new TypeError(''))).toBe('TypeError');
    expect(failureReason(42)).toBe('42');
  });
});
