import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { signingSecretsInForce, WorkflowEvent, type WorkflowEventType, WorkflowState } from '@hookstream/contracts';
import { isSealed, KeyRing } from '@hookstream/secrets';
import { created, scriptedHistory } from './__fixtures__/workflow-history';
import { actionSecretView, createWorkflow, mapEventSecrets, mapWorkflowSecrets, readWorkflowInput, replaceAction, readActionInput, rotateSigningSecret } from './index';

const ring = KeyRing.parse(`k1:${randomBytes(32).toString('base64')}`);
const HOUR = 3_600_000;

function workflow(): WorkflowState {
  const input = readWorkflowInput({
    name: 'Webhooks workflow',
    conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
    actions: [
      { type: 'webhook', url: 'https://example.com/a', headers: { Authorization: 'Bearer tok_1', 'X-Shop': 'shop-secret' }, signature: { method: 'HMACSHA256', key: '8V8x0dLK%AyD*DNS8JJr' } },
      { type: 'webhook', url: 'https://example.com/b' },
    ],
  });
  if (!input.ok) throw new Error(input.codes.join());
  return createWorkflow('ten_1', input.value, { now: new Date('2026-12-01T00:00:00.000Z') });
}

/** Every string in a value, with its JSON path. */
function strings(value: unknown, path = '$'): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
}

describe('sealing a workflow state', () => {
  const state = workflow();
  const sealed = mapWorkflowSecrets(state, (s) => ring.seal(s));

  it('seals the signing key, every signing secret and every header value, and changes nothing else', () => {
    const secretPath = /^\$\.actions\[\d+\]\.(headers\..+|signature\.key|signing_secrets\[\d+\])$/;
    const before = new Map(strings(state));
    const after = strings(sealed);
    expect(after.map(([path]) => path)).toEqual([...before.keys()]);
    for (const [path, value] of after) {
      if (secretPath.test(path)) {
        expect(isSealed(value)).toBe(true);
        expect(ring.open(value)).toBe(before.get(path));
      } else {
        expect(value).toBe(before.get(path));
      }
    }
    expect(after.filter(([path]) => secretPath.test(path))).toHaveLength(5);
    expect(JSON.stringify(sealed)).not.toMatch(/tok_1|shop-secret|8V8x0dLK|whsec_/);
  });

  it('opens back to the very state', () => {
    expect(mapWorkflowSecrets(sealed, (s) => ring.open(s))).toEqual(state);
  });

  it('round-trips any header values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (headers) => {
        const withHeaders = { ...state, actions: [{ ...state.actions[0], headers }] };
        expect(mapWorkflowSecrets(mapWorkflowSecrets(withHeaders, (s) => ring.seal(s)), (s) => ring.open(s))).toEqual(withHeaders);
      }),
      { numRuns: 30 },
    );
  });
});

describe('rotating an action signing secret', () => {
  const state = workflow();
  const actionId = state.actions[0].id;
  const original = state.actions[0].signing_secrets[0];
  const now = new Date('2026-12-02T09:00:00.000Z');
  const ctx = { now, newSigningSecret: () => 'whsec_bmV3' };

  it('puts a new secret first; the old one signs until the grace period ends', () => {
    const rotated = rotateSigningSecret(state, actionId, 24 * HOUR, ctx);
    if (!rotated.ok) throw new Error('expected a rotation');
    const action = rotated.state.actions[0];
    expect(action.signing_secrets).toEqual(['whsec_bmV3', original]);
    expect(action.previous_secrets_expire_at).toBe('2026-12-03T09:00:00.000Z');
    expect(rotated.state.version).toBe(state.version + 1);
    expect(rotated.state.actions[1]).toEqual(state.actions[1]);
    expect(actionSecretView(rotated.state, actionId, now)).toEqual({ secret: 'whsec_bmV3', previous_secret: original, previous_secret_expires_at: '2026-12-03T09:00:00.000Z' });
    const after = new Date('2026-12-03T09:00:00.000Z');
    expect(actionSecretView(rotated.state, actionId, after)).toEqual({ secret: 'whsec_bmV3' });
    expect(signingSecretsInForce(action, after)).toEqual(['whsec_bmV3']);
  });

  it('a second rotation keeps only the secret in force before it, and a grace of 0 keeps none', () => {
    const once = rotateSigningSecret(state, actionId, HOUR, ctx);
    if (!once.ok) throw new Error('expected a rotation');
    const twice = rotateSigningSecret(once.state, actionId, HOUR, { now, newSigningSecret: () => 'whsec_dGhpcmQ=' });
    if (!twice.ok) throw new Error('expected a rotation');
    expect(twice.state.actions[0].signing_secrets).toEqual(['whsec_dGhpcmQ=', 'whsec_bmV3']);
    const noGrace = rotateSigningSecret(state, actionId, 0, ctx);
    if (!noGrace.ok) throw new Error('expected a rotation');
    expect(noGrace.state.actions[0].signing_secrets).toEqual(['whsec_bmV3']);
    expect(noGrace.state.actions[0].previous_secrets_expire_at).toBeUndefined();
  });

  it('keeps the grace period when the action is replaced meanwhile', () => {
    const rotated = rotateSigningSecret(state, actionId, HOUR, ctx);
    if (!rotated.ok) throw new Error('expected a rotation');
    const input = readActionInput({ type: 'webhook', url: 'https://example.com/moved' });
    if (!input.ok) throw new Error(input.codes.join());
    const replaced = replaceAction(rotated.state, actionId, input.value, ctx);
    if (!replaced.ok) throw new Error('expected a replacement');
    expect(replaced.state.actions[0]).toMatchObject({ signing_secrets: ['whsec_bmV3', original], previous_secrets_expire_at: rotated.state.actions[0].previous_secrets_expire_at });
  });

  it('answers 404 for an action the workflow does not have', () => {
    expect(rotateSigningSecret(state, 'wfa_unknown', HOUR, ctx)).toEqual({ ok: false, status: 404, codes: [] });
    expect(actionSecretView(state, 'wfa_unknown', now)).toBeUndefined();
  });
});

describe('sealing a workflow event', () => {
  const history = scriptedHistory();
  const state = created();
  const imported: WorkflowEvent = { ...history[0], type: 'workflow.imported', data: { state } };
  const events = [imported, ...history];

  /** Where each event type keeps secrets: the same fields as a state's actions. */
  const secretPaths: Record<WorkflowEventType, RegExp | null> = {
    'workflow.created': /^\$\.data\.actions\[\d+\]\.(headers\..+|signature\.key|signing_secrets\[\d+\])$/,
    'workflow.imported': /^\$\.data\.state\.actions\[\d+\]\.(headers\..+|signature\.key|signing_secrets\[\d+\])$/,
    'action.added': /^\$\.data\.action\.(headers\..+|signature\.key|signing_secrets\[\d+\])$/,
    'action.updated': /^\$\.data\.action\.(headers\..+|signature\.key)$/,
    'secret.rotated': /^\$\.data\.signing_secrets\[\d+\]$/,
    'secrets.resealed': /^\$\.data\.actions\[\d+\]\.(headers\..+|signature_key|signing_secrets\[\d+\])$/,
    'workflow.renamed': null,
    'workflow.activated': null,
    'workflow.deactivated': null,
    'action.removed': null,
    'condition.added': null,
    'condition.updated': null,
    'condition.removed': null,
    'endpoint.disabled': null,
    'endpoint.enabled': null,
    'workflow.deleted': null,
  };

  it.each(events.map((event) => [event.type, event] as const))('seals every secret of %s and changes nothing else', (type, event) => {
    const sealed = mapEventSecrets(event, (s) => ring.seal(s));
    const before = new Map(strings(event));
    const after = strings(sealed);
    expect(after.map(([path]) => path)).toEqual([...before.keys()]);
    const secretPath = secretPaths[type];
    const secrets = after.filter(([path]) => secretPath?.test(path));
    for (const [path, value] of after) {
      if (secretPath?.test(path)) {
        expect(isSealed(value)).toBe(true);
        expect(ring.open(value)).toBe(before.get(path));
      } else {
        expect(value).toBe(before.get(path));
      }
    }
    // A type with secret fields has some in the scripted history; one without has none to seal.
    expect(secrets.length > 0).toBe(secretPath !== null);
    expect(mapEventSecrets(sealed, (s) => ring.open(s))).toEqual(event);
    expect(WorkflowEvent.safeParse(sealed).success).toBe(true);
  });

  it('seals in an event each secret its state holds', () => {
    const sealed = mapEventSecrets(imported, (s) => ring.seal(s));
    expect(sealed.type === 'workflow.imported' && mapWorkflowSecrets(sealed.data.state, (s) => ring.open(s))).toEqual(state);
    expect(JSON.stringify(sealed)).not.toMatch(/tok_clear|shop-secret|sig-key-clear|whsec_/);
  });
});
