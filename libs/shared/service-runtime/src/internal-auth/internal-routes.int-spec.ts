import { IngestApi, InternalHeaders, MatcherApi, ProjectionApi, SERVICE_CREDENTIAL_SCHEME, WorkflowConfigApi } from '@hookstream/contracts';
import { ServiceName, TestPlatform, waitFor } from '@hookstream/testing';
import { ServiceCredentials } from './service-credentials';

const TENANT = 'ten_owner';
const OTHER_TENANT = 'ten_other';

const workflow = {
  name: 'guarded',
  conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
  actions: [{ type: 'webhook', url: 'https://merchant.example/hook' }],
};
const event = (subjectId: string) => ({ source: 'gateway', type: 'payment_approved', subject_id: subjectId });

/** The token of a credential header, with its tenant replaced: what a caller without the key could forge. */
function withTenant(header: string, tenantId: string): string {
  const [scheme, token] = header.split(' ');
  const parts = token.split('.');
  parts[2] = Buffer.from(tenantId, 'utf8').toString('base64url');
  return `${scheme} ${parts.join('.')}`;
}

describe('internal routes refuse calls without a valid service credential', () => {
  const platform = new TestPlatform({ label: 'internal-auth', services: ['workflow-config', 'event-ingest', 'projection', 'matcher'] });
  /** One call per service that reads or changes what belongs to TENANT (the matcher's index belongs to no tenant). */
  const owned = new Map<ServiceName, { method: string; path: string; body?: unknown; ok: number }>();

  beforeAll(async () => {
    await platform.start();
    const created = await platform.internal('workflow-config', 'POST', WorkflowConfigApi.workflows.path(), { tenantId: TENANT, body: workflow });
    expect(created.status).toBe(201);
    const { id: workflowId } = (await created.json()) as { id: string };
    let eventId = '';
    await waitFor(async () => {
      const res = await platform.internal('event-ingest', 'POST', IngestApi.events.path(), { tenantId: TENANT, body: event('pay_guarded') });
      if (res.status === 202) eventId = ((await res.json()) as { id: string }).id;
      return res.status === 202;
    }, { what: 'ingest to load its catalog' });
    const stored = ProjectionApi.event.path({ eventId });
    await waitFor(async () => (await platform.internal('projection', 'GET', stored, { tenantId: TENANT })).status === 200, { what: 'the event in projection' });
    owned.set('workflow-config', { method: 'GET', path: WorkflowConfigApi.workflowState.path({ id: workflowId }), ok: 200 });
    owned.set('event-ingest', { method: 'POST', path: IngestApi.events.path(), body: event('pay_guarded_2'), ok: 202 });
    owned.set('projection', { method: 'GET', path: stored, ok: 200 });
    owned.set('matcher', { method: 'GET', path: MatcherApi.workflowIndex.path(), ok: 200 });
  }, 120_000);

  afterAll(() => platform.stop());

  const services: ServiceName[] = ['workflow-config', 'event-ingest', 'projection', 'matcher'];

  describe.each(services)('%s', (service) => {
    const route = () => owned.get(service)!;
    const call = (credential: string | undefined, headers: Record<string, string> = {}) => {
      const { method, path, body } = route();
      return platform.internal(service, method, path, { body, headers, ...(credential === undefined ? { credential: '' } : { credential }) });
    };
    const body = () => (route().body === undefined ? undefined : JSON.stringify(route().body));
    const sign = (credentials: ServiceCredentials, tenantId: string | undefined = TENANT) => credentials.sign({ method: route().method, path: route().path, tenantId, body: body() });
    const refusal = async (res: Response) => ({ status: res.status, body: await res.json() });

    it('answers a call signed for its tenant with the platform key', async () => {
      expect((await call(sign(platform.credentials('gateway')))).status).toBe(route().ok);
    });

    it('refuses a call without a credential, whatever tenant header it carries', async () => {
      expect(await refusal(await call(undefined, { 'x-hookstream-tenant': TENANT }))).toEqual({
        status: 401,
        body: { error_type: 'unauthorized', error_codes: ['service_credential_missing'] },
      });
      expect(await refusal(await call(undefined, { [InternalHeaders.credential]: `Bearer ${TENANT}` }))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
    });

    it('refuses a credential signed with another key', async () => {
      const stranger = new ServiceCredentials('a-key-that-is-not-the-platforms-0000', 'gateway');
      expect(await refusal(await call(sign(stranger)))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
    });

    it('refuses an expired credential', async () => {
      const late = platform.credentials('gateway', () => Date.now() - 120_000);
      expect(await refusal(await call(sign(late)))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_expired'] } });
    });

    it('refuses a credential signed for another tenant with the tenant changed, or for another route', async () => {
      const forOther = sign(platform.credentials('gateway'), OTHER_TENANT);
      expect(await refusal(await call(withTenant(forOther, TENANT)))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
      const elsewhere = platform.credentials('gateway').sign({ method: route().method, path: `${route().path}x`, tenantId: TENANT, body: body() });
      expect(await refusal(await call(elsewhere))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
      expect(await refusal(await call(`${SERVICE_CREDENTIAL_SCHEME} ${'x'.repeat(4_000)}`))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
    });

    it('takes the actor header under the credential: the one signed passes, another or an unsigned one is refused', async () => {
      const asKey = platform.credentials('gateway').sign({ method: route().method, path: route().path, tenantId: TENANT, body: body(), actor: 'api_key:key_a' });
      expect((await call(asKey, { [InternalHeaders.actor]: 'api_key:key_a' })).status).toBe(route().ok);
      for (const [credential, actor] of [
        [asKey, 'admin'],
        [sign(platform.credentials('gateway')), 'api_key:key_a'],
      ]) {
        expect(await refusal(await call(credential, { [InternalHeaders.actor]: actor }))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
      }
      expect(await refusal(await call(asKey))).toMatchObject({ status: 401, body: { error_codes: ['service_credential_invalid'] } });
    });
  });

  it('answers only the services a route is for: another service with a valid credential gets 403', async () => {
    for (const service of ['workflow-config', 'event-ingest', 'projection'] as const) {
      const { method, path, body } = owned.get(service)!;
      const asDelivery = platform.credentials('delivery').sign({ method, path, tenantId: TENANT, body: body === undefined ? undefined : JSON.stringify(body) });
      const res = await platform.internal(service, method, path, { body, credential: asDelivery });
      expect({ service, status: res.status, body: await res.json() }).toEqual({ service, status: 403, body: { error_type: 'forbidden', error_codes: ['service_not_allowed'] } });
    }
    // event-ingest reads the catalog; it may not change workflows.
    const catalog = WorkflowConfigApi.eventTypes.path();
    const asIngest = platform.credentials('event-ingest');
    expect((await platform.internal('workflow-config', 'GET', catalog, { credential: asIngest.sign({ method: 'GET', path: catalog }) })).status).toBe(200);
    const list = WorkflowConfigApi.workflows.path();
    expect((await platform.internal('workflow-config', 'GET', list, { credential: asIngest.sign({ method: 'GET', path: list, tenantId: TENANT }) })).status).toBe(403);
  });

  it('refuses a credential signed for another body on the same request line', async () => {
    const path = IngestApi.events.path();
    const signed = platform.credentials('gateway').sign({ method: 'POST', path, tenantId: TENANT, body: JSON.stringify(event('pay_signed')) });
    const res = await platform.internal('event-ingest', 'POST', path, { body: event('pay_swapped'), credential: signed });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 401, body: { error_type: 'unauthorized', error_codes: ['service_credential_invalid'] } });
  });

  it('workflow-config and projection read nothing of a tenant for a credential of another, even with its tenant header', async () => {
    for (const service of ['workflow-config', 'projection'] as const) {
      const { path } = owned.get(service)!;
      const res = await platform.internal(service, 'GET', path, { tenantId: OTHER_TENANT, headers: { 'x-hookstream-tenant': TENANT } });
      expect({ service, status: res.status }).toEqual({ service, status: 404 });
      const none = await platform.internal(service, 'GET', path, { headers: { 'x-hookstream-tenant': TENANT } });
      expect({ service, status: none.status, body: await none.json() }).toEqual({ service, status: 400, body: { error_type: 'request_invalid', error_codes: ['tenant_required'] } });
    }
  });

  it('event-ingest files an event under the tenant of the credential, never of a tenant header', async () => {
    const res = await platform.internal('event-ingest', 'POST', IngestApi.events.path(), { tenantId: OTHER_TENANT, body: event('pay_other'), headers: { 'x-hookstream-tenant': TENANT } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const path = ProjectionApi.event.path({ eventId: id });
    await waitFor(async () => (await platform.internal('projection', 'GET', path, { tenantId: OTHER_TENANT })).status === 200, { what: "the other tenant's event" });
    expect((await platform.internal('projection', 'GET', path, { tenantId: TENANT })).status).toBe(404);
    const untenanted = await platform.internal('event-ingest', 'POST', IngestApi.events.path(), { body: event('pay_none'), headers: { 'x-hookstream-tenant': TENANT } });
    expect(untenanted.status).toBe(400);
  });
});
