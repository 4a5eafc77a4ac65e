import { SERVICE_CREDENTIAL_SCHEME } from '@hookstream/contracts';
import { CREDENTIAL_WINDOW_SECONDS, ServiceCredentials } from './service-credentials';

const KEY = 'k'.repeat(40);
const T0 = Date.parse('2026-01-01T00:00:00Z');
const call = { method: 'GET', path: '/internal/events/evt_1?x=1', tenantId: 'ten_a' };

describe('ServiceCredentials', () => {
  let now = T0;
  const clock = () => now;
  const gateway = new ServiceCredentials(KEY, 'gateway', clock);
  const projection = new ServiceCredentials(KEY, 'projection', clock);
  beforeEach(() => (now = T0));

  it('verifies a credential signed with the same key, naming the calling service and the tenant', () => {
    expect(projection.verify(gateway.sign(call), call)).toEqual({ ok: true, caller: { service: 'gateway', tenantId: 'ten_a' } });
  });

  it('signs a call for no tenant as such', () => {
    const catalog = { method: 'GET', path: '/internal/event-types' };
    expect(projection.verify(gateway.sign(catalog), catalog)).toEqual({ ok: true, caller: { service: 'gateway' } });
  });

  it('carries any tenant id, commas, dots and non-ASCII included', () => {
    for (const tenantId of ['a.b,c d', 'tenänt 🙂', 'x'.repeat(100)]) {
      expect(projection.verify(gateway.sign({ ...call, tenantId }), call)).toEqual({ ok: true, caller: { service: 'gateway', tenantId } });
    }
  });

  it('refuses a missing credential, another scheme, or a malformed token', () => {
    expect(projection.verify(undefined, call)).toEqual({ ok: false, error: 'service_credential_missing' });
    expect(projection.verify('', call)).toEqual({ ok: false, error: 'service_credential_missing' });
    const token = gateway.sign(call).slice(SERVICE_CREDENTIAL_SCHEME.length + 1);
    for (const header of [`Bearer ${token}`, token, `${SERVICE_CREDENTIAL_SCHEME} ${token} extra`, `${SERVICE_CREDENTIAL_SCHEME} v2${token.slice(2)}`, `${SERVICE_CREDENTIAL_SCHEME} ${token.slice(0, -1)}`]) {
      expect(projection.verify(header, call)).toEqual({ ok: false, error: 'service_credential_invalid' });
    }
  });

  it('binds the body: the same request line with other bytes is refused, no body is an empty one', () => {
    const post = { method: 'POST', path: '/internal/events', tenantId: 'ten_a', body: '{"subject_id":"pay_1"}' };
    expect(projection.verify(gateway.sign(post), post)).toMatchObject({ ok: true });
    expect(projection.verify(gateway.sign(post), { ...post, body: Buffer.from(post.body) })).toMatchObject({ ok: true });
    expect(projection.verify(gateway.sign(post), { ...post, body: '{"subject_id":"pay_2"}' })).toEqual({ ok: false, error: 'service_credential_invalid' });
    expect(projection.verify(gateway.sign({ ...post, body: undefined }), { ...post, body: '' })).toMatchObject({ ok: true });
  });

  it('names the actor the call was signed for; a call for no actor names none, as before actors were signed', () => {
    const asKey = { ...call, actor: 'api_key:key_a' };
    expect(projection.verify(gateway.sign(asKey), asKey)).toEqual({ ok: true, caller: { service: 'gateway', tenantId: 'ten_a', actor: 'api_key:key_a' } });
    expect(projection.verify(gateway.sign({ ...call, actor: 'admin' }), { ...call, actor: 'admin' })).toMatchObject({ ok: true, caller: { actor: 'admin' } });
    // Absent and empty are one: neither names anyone.
    expect(projection.verify(gateway.sign(call), { ...call, actor: '' })).toEqual({ ok: true, caller: { service: 'gateway', tenantId: 'ten_a' } });
    expect(projection.verify(gateway.sign({ ...call, actor: '' }), call)).toEqual({ ok: true, caller: { service: 'gateway', tenantId: 'ten_a' } });
  });

  it('binds the actor: another, an added or a dropped actor header is refused', () => {
    const asKey = { ...call, actor: 'api_key:key_a' };
    const header = gateway.sign(asKey);
    for (const actor of ['api_key:key_b', 'admin', 'api_key:key_a ', '', undefined]) {
      expect(projection.verify(header, { ...call, actor })).toEqual({ ok: false, error: 'service_credential_invalid' });
    }
    expect(projection.verify(gateway.sign(call), { ...call, actor: 'admin' })).toEqual({ ok: false, error: 'service_credential_invalid' });
    // The actor's line cannot be moved into the path's or the body's.
    const post = { method: 'POST', path: '/internal/api/workflows', tenantId: 'ten_a', body: '{}' };
    expect(projection.verify(gateway.sign({ ...post, actor: 'admin' }), { ...post, body: `{}\nadmin` })).toEqual({ ok: false, error: 'service_credential_invalid' });
    expect(projection.verify(gateway.sign({ ...post, actor: 'admin' }), { ...post, path: `${post.path}\nadmin` })).toEqual({ ok: false, error: 'service_credential_invalid' });
  });

  it('refuses a credential signed with another key', () => {
    const stranger = new ServiceCredentials('z'.repeat(40), 'gateway', clock);
    expect(projection.verify(stranger.sign(call), call)).toEqual({ ok: false, error: 'service_credential_invalid' });
  });

  it('binds the tenant: a token whose tenant is swapped for another is refused', () => {
    const [scheme, token] = gateway.sign(call).split(' ');
    const parts = token.split('.');
    parts[2] = Buffer.from('ten_b').toString('base64url');
    expect(projection.verify(`${scheme} ${parts.join('.')}`, call)).toEqual({ ok: false, error: 'service_credential_invalid' });
  });

  it('binds the calling service, the method, the path and the query', () => {
    const [scheme, token] = gateway.sign(call).split(' ');
    const parts = token.split('.');
    parts[1] = 'matcher';
    expect(projection.verify(`${scheme} ${parts.join('.')}`, call)).toEqual({ ok: false, error: 'service_credential_invalid' });
    const header = gateway.sign(call);
    for (const other of [{ ...call, method: 'DELETE' }, { ...call, path: '/internal/events/evt_2?x=1' }, { ...call, path: '/internal/events/evt_1?x=2' }]) {
      expect(projection.verify(header, other)).toEqual({ ok: false, error: 'service_credential_invalid' });
    }
  });

  it('refuses a second spelling of the same tenant bytes', () => {
    const [scheme, token] = gateway.sign({ ...call, tenantId: 'a' }).split(' ');
    const parts = token.split('.');
    // "YQ" and "YR" decode to the same byte: only the canonical one is accepted.
    expect(parts[2]).toBe('YQ');
    parts[2] = 'YR';
    expect(projection.verify(`${scheme} ${parts.join('.')}`, call)).toEqual({ ok: false, error: 'service_credential_invalid' });
  });

  it(`accepts a token within ${CREDENTIAL_WINDOW_SECONDS} s of the receiver's clock, either way, and refuses it after`, () => {
    const header = gateway.sign(call);
    now = T0 + CREDENTIAL_WINDOW_SECONDS * 1000;
    expect(projection.verify(header, call).ok).toBe(true);
    now = T0 + (CREDENTIAL_WINDOW_SECONDS + 1) * 1000;
    expect(projection.verify(header, call)).toEqual({ ok: false, error: 'service_credential_expired' });
    now = T0 - CREDENTIAL_WINDOW_SECONDS * 1000;
    expect(projection.verify(header, call).ok).toBe(true);
    now = T0 - (CREDENTIAL_WINDOW_SECONDS + 1) * 1000;
    expect(projection.verify(header, call)).toEqual({ ok: false, error: 'service_credential_expired' });
  });

  it('rotates keys without refusing a call: accept the new key, sign with it, drop the old one', () => {
    const NEW = 'n'.repeat(40);
    const oldOnly = new ServiceCredentials(KEY, 'gateway', clock);
    const acceptingNew = new ServiceCredentials(KEY, 'projection', clock, [NEW]);
    const signingNew = new ServiceCredentials(NEW, 'gateway', clock, [KEY]);
    const newOnly = new ServiceCredentials(NEW, 'projection', clock);
    expect(acceptingNew.verify(oldOnly.sign(call), call).ok).toBe(true);
    expect(acceptingNew.verify(signingNew.sign(call), call).ok).toBe(true);
    expect(signingNew.verify(oldOnly.sign(call), call).ok).toBe(true);
    expect(newOnly.verify(signingNew.sign(call), call).ok).toBe(true);
    expect(newOnly.verify(oldOnly.sign(call), call)).toEqual({ ok: false, error: 'service_credential_invalid' });
  });

  it('refuses to be made with an empty key or a service name it could not sign', () => {
    expect(() => new ServiceCredentials('', 'gateway')).toThrow(/empty/);
    expect(() => new ServiceCredentials(KEY, 'gateway', Date.now, [''])).toThrow(/empty/);
    expect(() => new ServiceCredentials(KEY, 'Gate.way')).toThrow(/service name/);
  });
});
