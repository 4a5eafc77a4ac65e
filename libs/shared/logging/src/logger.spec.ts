import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { maskHeaders, maskSecret } from './mask';
import { redactSecrets, redactText } from './redaction';
import { requestContext } from './request-context';

function capture(): { logger: ReturnType<typeof createLogger>; output: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
  const logger = createLogger({ service: 'test', level: 'debug', destination });
  const output = () => chunks.join('');
  return { logger, output, lines: () => output().trim().split('\n').map((l) => JSON.parse(l)) };
}

const SECRETS = {
  signatureKey: 'cko-signing-key-8V8x0dLK',
  whsec: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',
  header: 'tenant-header-credential-42',
  basicAuth: 'hunter2-basic',
  bearer: 'Bearer sk_live_0123456789abcdef',
};

describe('logger', () => {
  it('redacts secrets at any depth, in objects, child bindings, errors and the message', () => {
    const { logger, output, lines } = capture();
    const deep = { a: [{ b: { c: { action: { signature: { method: 'HMACSHA256', key: SECRETS.signatureKey }, headers: { 'X-Token': SECRETS.header } } } } }] };
    logger.child({ component: 'x', headers: { authorization: SECRETS.bearer } }).info(deep, 'delivering');
    logger.warn({ err: Object.assign(new Error(`could not reach https://user:${SECRETS.basicAuth}@hooks.example/x`), { signing_secrets: [SECRETS.whsec] }) }, 'failed');
    logger.error(`secret ${SECRETS.whsec} in a message`);
    for (const secret of Object.values(SECRETS)) expect(output()).not.toContain(secret);
    const [first, second] = lines();
    // Names stay, so a line still says what was there.
    expect(first).toMatchObject({ component: 'x', a: [{ b: { c: { action: { signature: '[redacted]', headers: { 'X-Token': '[redacted]' } } } } }] });
    expect(second).toMatchObject({ err: { type: 'Error', message: 'could not reach https://[redacted]@hooks.example/x', signing_secrets: '[redacted]' } });
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

describe('redactSecrets', () => {
  it('keeps what is no secret as it is', () => {
    const at = new Date(0);
    expect(redactSecrets({ id: 'evt_1', url: 'https://hooks.example/x?a=1', n: 1, ok: true, none: null, at, list: [1, 'two'] })).toEqual({
      id: 'evt_1',
      url: 'https://hooks.example/x?a=1',
      n: 1,
      ok: true,
      none: null,
      at,
      list: [1, 'two'],
    });
  });

  it('matches secret names in any case and spelling', () => {
    expect(redactSecrets({ Authorization: 'a', 'X-Api-Key': 'b', api_key: 'c', apiKey: 'd', DATABASE_URL: 'e', KAFKA_SASL_PASSWORD: 'f', signing_secrets: ['g'] })).toEqual({
      Authorization: '[redacted]',
      'X-Api-Key': '[redacted]',
      api_key: '[redacted]',
      apiKey: '[redacted]',
      DATABASE_URL: '[redacted]',
      KAFKA_SASL_PASSWORD: '[redacted]',
      signing_secrets: '[redacted]',
    });
  });

  it('survives cycles and depth, and does not change what it was given', () => {
    const cyclic: Record<string, unknown> = { password: 'p' };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ password: '[redacted]', self: '[Circular]' });
    expect(cyclic.password).toBe('p');
    let deep: Record<string, unknown> = { token: 't' };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[too deep]');
  });

  it.each([
    [`key ${SECRETS.whsec}.`, 'key whsec_[redacted].'],
    ['postgres://hookstream:pw@127.0.0.1:5432/db', 'postgres://[redacted]@127.0.0.1:5432/db'],
    ['Authorization: Bearer sk_local_dev_key_0000000000000000', 'Authorization: Bearer sk_[redacted]'],
    ['risk_level and https://hooks.example/a@b', 'risk_level and https://hooks.example/a@b'],
  ])('redacts secret text in %s', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });
});

describe('maskSecret', () => {
  it('keeps the first 4 characters', () => {
    expect(maskSecret('secret-value')).toBe('secr********');
    expect(maskSecret('abc')).toBe('***');
    expect(maskHeaders({ Authorization: 'Bearer xyz' })).toEqual({ Authorization: 'Bear******' });
  });
});
