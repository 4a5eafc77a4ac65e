import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from './logger';
import { maskHeaders, maskSecret } from './mask';
import { requestContext } from './request-context';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, mixin: () => ({ ...requestContext.current() }) }, sink);
  return { logger, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('logger', () => {
  it('redacts signature keys and authorization headers', () => {
    const { logger, lines } = capture();
    logger.info({ action: { signature: { key: 'topsecret' } }, req: { headers: { authorization: 'sk_live' } } }, 'x');
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain('topsecret');
    expect(JSON.stringify(line)).not.toContain('sk_live');
  });

  it('adds the request id of the surrounding context to every line', () => {
    const { logger, lines } = capture();
    requestContext.run({ requestId: 'req-1' }, () => logger.info('inside'));
    logger.info('outside');
    const [inside, outside] = lines();
    expect(inside.requestId).toBe('req-1');
    expect(outside.requestId).toBeUndefined();
  });
});

describe('maskSecret', () => {
  it('keeps the first 4 characters', () => {
    expect(maskSecret('secret-value')).toBe('secr********');
    expect(maskSecret('abc')).toBe('***');
    expect(maskHeaders({ Authorization: 'Bearer xyz' })).toEqual({ Authorization: 'Bear******' });
  });
});
