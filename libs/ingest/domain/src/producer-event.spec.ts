import { readProducerBytes, readProducerEvent, toCanonicalEvent } from './producer-event';

const envelope = {
  id: 'prod-1',
  source: 'gateway',
  type: 'payment_approved',
  tenant: 'ten_a',
  subject_id: 'pay_mbabizu24mvu3mela5njyhpit4',
  entity_id: 'ent_xyfdshfudosfdshfdiosfds',
  processing_channel_id: 'pc_1',
  timestamp: '2026-11-22T10:00:00Z',
  version: '1.0.1',
  data: { amount: 100 },
  metadata: { webhookUrl: 'https://merchant.example/cb', region: 'eu' },
};

describe('readProducerEvent', () => {
  it('reads the producer envelope and builds the canonical event', () => {
    const result = readProducerEvent(envelope);
    if (!result.ok) throw new Error(result.reason);
    const event = toCanonicalEvent(result.event, 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa', new Date('2026-11-22T10:00:01Z'));
    // The envelope's own fields pass as they are; id, tenant and metadata become the platform's.
    const { id: producerId, tenant, metadata, ...same } = envelope;
    expect(event).toEqual({
      id: 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      tenant_id: tenant,
      ...same,
      metadata: { region: metadata.region, webhook_url: metadata.webhookUrl, producer_id: producerId },
      received_at: '2026-11-22T10:00:01.000Z',
    });
  });

  it('takes the authenticated tenant over the body, and a default tenant when none is sent', () => {
    const asCaller = readProducerEvent(envelope, { tenantId: 'ten_http' });
    expect(asCaller.ok && asCaller.event.tenantId).toBe('ten_http');
    const { tenant: _omit, ...noTenant } = envelope;
    expect(readProducerEvent(noTenant)).toMatchObject({ ok: false, codes: ['tenant_required'] });
    const defaulted = readProducerEvent(noTenant, { defaultTenantId: 'ten_default' });
    expect(defaulted.ok && defaulted.event.tenantId).toBe('ten_default');
  });

  it('names each missing or malformed field', () => {
    const result = readProducerEvent({ source: 'gateway', timestamp: 'yesterday', metadata: { webhookUrl: 'not a url' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.codes).toEqual(expect.arrayContaining(['type_required', 'subject_id_required', 'timestamp_invalid', 'metadata_webhook_url_invalid']));
    expect(result.reason).toMatch(/subject_id/);
  });

  it('reads a CloudEvents 1.0 envelope (CAF example) with the transaction as subject', () => {
    // CAF's example: the transaction in data, the webhook URL in data.metadata.
    const data = { transactionId: 'txn_1', status: 'APPROVED', metadata: { webhookUrl: 'https://client.example/caf' } };
    const result = readProducerEvent({ specversion: '1.0', id: 'c0ffee', source: 'caf', type: 'TransactionFinished', time: '2026-11-22T10:00:00Z', tenant: 'ten_caf', data });
    if (!result.ok) throw new Error(result.reason);
    expect(result.event).toMatchObject({ producerId: 'c0ffee', tenantId: 'ten_caf', source: 'caf', type: 'TransactionFinished' });
    expect(result.event).toMatchObject({ subjectId: data.transactionId, webhookUrl: data.metadata.webhookUrl });
  });

  it("maps a CloudEvents source URI to the catalog source it stands for", () => {
    const result = readProducerEvent(
      { specversion: '1.0', id: 'x', source: 'https://api.public.caf.io/v1/orchestrations', type: 'TransactionPending', subject: 'txn_2', tenant: 'ten_a' },
      { cloudEventSources: new Map([['https://api.public.caf.io/v1/orchestrations', 'transactions']]) },
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.event.source).toBe('transactions');
    expect(result.event.extraMetadata).toEqual({ cloudevents_source: 'https://api.public.caf.io/v1/orchestrations' });
  });

  it('gives a plain envelope the source URI its catalog source maps to, the first one listed', () => {
    const cloudEventSources = new Map([
      ['https://api.public.caf.io/v1/orchestrations', 'transactions'],
      ['https://legacy.caf.example/orchestrations', 'transactions'],
    ]);
    const mapped = readProducerEvent({ ...envelope, source: 'transactions', type: 'TransactionFinished' }, { cloudEventSources });
    if (!mapped.ok) throw new Error(mapped.reason);
    expect(mapped.event.source).toBe('transactions');
    expect(mapped.event.extraMetadata).toEqual({ region: 'eu', cloudevents_source: 'https://api.public.caf.io/v1/orchestrations' });
    const unmapped = readProducerEvent({ ...envelope, source: 'orders' }, { cloudEventSources });
    if (!unmapped.ok) throw new Error(unmapped.reason);
    expect(unmapped.event.extraMetadata).toEqual({ region: 'eu' });
  });

  it('says what a CloudEvent lacks', () => {
    expect(readProducerEvent({ specversion: '1.0', id: 'x', source: 's', type: 't', tenant: 'ten_a' })).toMatchObject({
      ok: false,
      codes: ['subject_id_required'],
    });
    expect(readProducerEvent({ specversion: '0.3', id: 'x', source: 's', type: 't' })).toMatchObject({ ok: false, codes: ['specversion_invalid'] });
  });

  it('keeps the metadata keys the platform sets for itself', () => {
    const forged = readProducerEvent({ ...envelope, metadata: { test: true, webhook_url: 'https://x.example/' } });
    expect(forged).toMatchObject({ ok: false, codes: ['metadata_webhook_url_reserved', 'metadata_test_reserved'] });
    expect(readProducerEvent({ ...envelope, metadata: { cloudevents_source: 'https://forged.example/' } })).toMatchObject({
      ok: false,
      codes: ['metadata_cloudevents_source_reserved'],
    });
    expect(!forged.ok && forged.reason).toMatch(/metadata\.webhookUrl/);
  });

  it('rejects an event too large to be produced, naming its size', () => {
    const big = { ...envelope, data: { blob: 'x'.repeat(2000) } };
    expect(readProducerEvent(big, { maxEventBytes: 1000 })).toMatchObject({ ok: false, codes: ['event_too_large'], reason: expect.stringMatching(/at most 1000/) });
    expect(readProducerEvent(big, { maxEventBytes: 4000 }).ok).toBe(true);
  });

  it('maps every CloudEvents attribute of the producer contract', () => {
    const result = readProducerEvent({
      specversion: '1.0',
      id: 'ce-1',
      source: 'https://caf.io/orchestrations',
      type: 'TransactionFinished',
      subject: 'txn_9',
      time: '2026-11-22T10:00:00+01:00',
      tenant: '',
      entityid: 'ent_1',
      processingchannelid: 'pc_1',
      webhookurl: 'https://client.example/ce',
      data_base64: 'AAEC',
    }, { defaultTenantId: 'ten_default' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.event).toMatchObject({
      producerId: 'ce-1',
      tenantId: 'ten_default',
      source: 'https://caf.io/orchestrations',
      subjectId: 'txn_9',
      entityId: 'ent_1',
      processingChannelId: 'pc_1',
      timestamp: '2026-11-22T10:00:00+01:00',
      webhookUrl: 'https://client.example/ce',
      data: { data_base64: 'AAEC' },
    });
    expect(readProducerEvent({ specversion: '1.0', id: 'x', source: 's', type: 't', subject: 'p', tenant: 'ten_a', webhookurl: 'nope' })).toMatchObject({
      ok: false,
      codes: ['webhookurl_invalid'],
    });
    expect(readProducerEvent({ specversion: '1.0', id: 'x', source: 's', type: 't', tenant: 'ten_a', data: { transactionId: 't', metadata: { webhookUrl: '/relative' } } })).toMatchObject({
      ok: false,
      codes: ['metadata_webhook_url_invalid'],
    });
  });

  it('dead-letters a Kafka event without a tenant when no default is configured', () => {
    const { tenant: _omit, ...noTenant } = envelope;
    expect(readProducerBytes(Buffer.from(JSON.stringify(noTenant)))).toMatchObject({ ok: false, reason: expect.stringMatching(/^tenant missing/) });
  });

  it('rejects bytes that are not a JSON object', () => {
    expect(readProducerBytes(Buffer.from('{oops'))).toMatchObject({ ok: false, reason: expect.stringMatching(/invalid JSON/) });
    expect(readProducerBytes(Buffer.from('[1]'))).toMatchObject({ ok: false, codes: ['body_invalid'] });
    expect(readProducerBytes(null)).toMatchObject({ ok: false, reason: 'empty message' });
  });
});
