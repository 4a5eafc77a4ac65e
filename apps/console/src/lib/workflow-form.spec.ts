import { actionBody, emptyActionForm, eventsBySource, idList } from './workflow-form';

describe('workflow form', () => {
  it('makes an action body from the form, leaving out what is empty', () => {
    const result = actionBody({ ...emptyActionForm(), url: ' https://example.com/hook ', retryPolicy: '1s, 5s', headers: [{ name: 'X-Key', value: 'v' }, { name: '', value: '' }] });
    expect(result).toEqual({ body: { type: 'webhook', url: 'https://example.com/hook', format: 'checkout', retry_policy: [1000, 5000], headers: { 'X-Key': 'v' } } });
    const signed = actionBody({ ...emptyActionForm(), url: 'http://x/h', timeoutMs: '2500', signatureKey: 'k' });
    expect(signed).toMatchObject({ body: { timeout_ms: 2500, signature: { method: 'HMACSHA256', key: 'k' }, retry_policy: 'checkout' } });
  });

  it('lists every problem at once', () => {
    const result = actionBody({ ...emptyActionForm(), url: 'ftp://x', retryPolicy: 'often', timeoutMs: '0', headers: [{ name: 'Authorization', value: '' }, { name: '', value: 'x' }] });
    expect('errors' in result && result.errors).toEqual([
      'The URL must be an absolute http(s) URL.',
      'Retry policy: "often" is not a delay: write 500ms, 30s, 5m or 1h.',
      'The timeout is a whole number of ms from 1 to 60000.',
      'Enter the value of header Authorization (values are never shown back, so they must be entered again to save).',
      'A header has a value but no name.',
    ]);
  });

  it('reads id lists and groups event types by source', () => {
    expect(idList('ent_a, ent_b\nent_a  ')).toEqual(['ent_a', 'ent_b']);
    expect(eventsBySource([['gateway', 'payment_approved'], ['issuing', 'card_created'], ['gateway', 'payment_captured']])).toEqual({
      gateway: ['payment_approved', 'payment_captured'],
      issuing: ['card_created'],
    });
  });
});
