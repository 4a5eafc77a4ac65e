import { describeMasked, maskSecret } from './mask';

describe('masking', () => {
  it('shows at most the first four characters and never the length', () => {
    expect(maskSecret('sk_local_dev_key_0000000000000000')).toBe('sk_l' + '•'.repeat(12));
    expect(maskSecret('whsec_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('whse' + '•'.repeat(12));
  });

  it('shows less of a short secret, none of a tiny one', () => {
    expect(maskSecret('abcdef')).toBe('ab' + '•'.repeat(12));
    expect(maskSecret('ab')).toBe('•'.repeat(12));
  });

  it('marks values the API masked, and masks any it did not', () => {
    expect(describeMasked('70ed********************')).toBe('70ed… (masked)');
    expect(describeMasked('plain-secret-value')).toBe('plai' + '•'.repeat(12));
  });
});
