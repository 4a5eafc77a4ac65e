import { randomBytes } from 'node:crypto';
import { KeyRing } from '@hookstream/secrets';
import { decodeMessage } from '../contract';
import { Topics } from '../topics';
import examples from '../__fixtures__/workflow-config.messages.json';
import { mapActionSecrets, signingSecretsInForce } from './action-secrets';
import { WebhookAction, WorkflowState } from './workflow';
import { WorkflowCeilings } from './workflow-limits';

const ring = KeyRing.parse(`k1:${randomBytes(32).toString('base64')}`);
const state = examples.messages[0].value as WorkflowState;
const action = state.actions[0];

describe('mapActionSecrets', () => {
  it('passes exactly the signing key, the signing secrets and the header values through the transform', () => {
    const marked = mapActionSecrets(action, (s) => `<${s}>`);
    expect(marked).toEqual({
      ...action,
      headers: Object.fromEntries(Object.entries(action.headers).map(([n, v]) => [n, `<${v}>`])),
      signature: { method: 'HMACSHA256', key: `<${action.signature!.key}>` },
      signing_secrets: action.signing_secrets.map((s) => `<${s}>`),
    });
  });

  it('keeps a "__proto__" header a header', () => {
    const headers = JSON.parse('{"__proto__":"v"}') as Record<string, string>;
    const mapped = mapActionSecrets({ ...action, headers }, (s) => s.toUpperCase());
    expect(Object.getPrototypeOf(mapped.headers)).toBe(Object.prototype);
    expect(Object.entries(mapped.headers)).toEqual([['__proto__', 'V']]);
  });
});

describe('the config contract and sealed secrets', () => {
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('accepts a state whose secrets are sealed', () => {
    const sealed = { ...state, actions: state.actions.map((a) => mapActionSecrets(a, (s) => ring.seal(s))) };
    expect(decodeMessage(Topics.workflowConfig, bytes(sealed))).toEqual({ ok: true, value: sealed });
  });

  it('measures a sealed header value and signing key by their clear size', () => {
    const atCeiling = { ...action, headers: { a: 'x'.repeat(WorkflowCeilings.headerBytes - 1) }, signature: { method: 'HMACSHA256' as const, key: 'k'.repeat(WorkflowCeilings.signatureKeyLength) } };
    const sealedAt = mapActionSecrets(atCeiling, (s) => ring.seal(s));
    expect(decodeMessage(Topics.workflowConfig, bytes({ ...state, actions: [sealedAt] }))).toMatchObject({ ok: true });
    const pastCeiling = mapActionSecrets({ ...atCeiling, headers: { a: 'x'.repeat(WorkflowCeilings.headerBytes) } }, (s) => ring.seal(s));
    expect(decodeMessage(Topics.workflowConfig, bytes({ ...state, actions: [pastCeiling] }))).toMatchObject({ ok: false, reason: expect.stringContaining('headers') });
  });

  it('still refuses a signing secret that is neither whsec_ nor sealed', () => {
    expect(decodeMessage(Topics.workflowConfig, bytes({ ...state, actions: [{ ...action, signing_secrets: ['plain'] }] }))).toMatchObject({ ok: false });
  });
});

describe('signingSecretsInForce', () => {
  const rotated: Pick<WebhookAction, 'signing_secrets' | 'previous_secrets_expire_at'> = {
    signing_secrets: ['whsec_new', 'whsec_old'],
    previous_secrets_expire_at: '2026-12-02T10:00:00.000Z',
  };

  it('is every secret during the grace period, then only the newest', () => {
    expect(signingSecretsInForce(rotated, new Date('2026-12-02T09:59:59.999Z'))).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecretsInForce(rotated, new Date('2026-12-02T10:00:00.000Z'))).toEqual(['whsec_new']);
  });

  it('is only the newest when no grace period is set', () => {
    expect(signingSecretsInForce({ signing_secrets: ['whsec_a', 'whsec_b'] }, new Date())).toEqual(['whsec_a']);
  });
});
