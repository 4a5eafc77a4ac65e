import fc from 'fast-check';
import { EgressRules, parseTenantAllowlists } from './egress-rules';

describe('parseTenantAllowlists', () => {
  it('reads tenant=entries parts separated by semicolons', () => {
    expect(parseTenantAllowlists(' ten_a = *.a.example, hooks.b.com ;ten_b=10.0.0.0/8;')).toEqual(
      new Map([
        ['ten_a', ['*.a.example', 'hooks.b.com']],
        ['ten_b', ['10.0.0.0/8']],
      ]),
    );
    expect(parseTenantAllowlists('')).toEqual(new Map());
  });

  it.each([
    ['ten_a', /not tenant=host/],
    ['=hooks.example', /not tenant=host/],
    ['ten a=hooks.example', /not tenant=host/],
    ['ten_a=hooks.example;ten_a=other.example', /named twice/],
    ['ten_a=http://hooks.example', /ten_a.*not a hostname/],
    ['ten_a=169.254.169.254', /ten_a.*never reachable/],
  ])('refuses %s, naming the variable', (text, problem) => {
    expect(() => parseTenantAllowlists(text)).toThrow(/^DELIVERY_ALLOWED_HOSTS_BY_TENANT/);
    expect(() => parseTenantAllowlists(text)).toThrow(problem);
  });

  it('reads back what it is given (property)', () => {
    const tenant = fc.stringMatching(/^[a-z0-9_]{1,12}$/);
    const entry = fc.constantFrom('hooks.example', '*.a.example', '.b.example', '10.0.0.0/8', '127.0.0.1', '::1', 'localhost');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(tenant, fc.array(entry, { maxLength: 4 })), { selector: ([t]) => t, maxLength: 5 }), (lists) => {
        const text = lists.map(([t, entries]) => `${t}=${entries.join(',')}`).join(';');
        expect(parseTenantAllowlists(text)).toEqual(new Map(lists));
      }),
    );
  });
});

describe('EgressRules', () => {
  const rules = new EgressRules(['hooks.shared.example'], new Map([['ten_a', ['*.a.example', '10.0.0.0/8']]]));

  it("gives a named tenant the shared entries and its own, and every other tenant the shared ones only", () => {
    const a = rules.policyFor('ten_a');
    const b = rules.policyFor('ten_b');
    expect(a.allowsHostname('hooks.shared.example')).toBe(true);
    expect(a.allowsHostname('x.a.example')).toBe(true);
    expect(a.checkAddress('10.1.2.3')).toEqual({ allowed: true });
    expect(b).toBe(rules.shared);
    expect(b.allowsHostname('hooks.shared.example')).toBe(true);
    expect(b.allowsHostname('x.a.example')).toBe(false);
    expect(b.checkAddress('10.1.2.3').allowed).toBe(false);
  });

  it('looks tenants up by exact id only', () => {
    expect(rules.policyFor('__proto__')).toBe(rules.shared);
    expect(rules.policyFor('TEN_A')).toBe(rules.shared);
  });
});
