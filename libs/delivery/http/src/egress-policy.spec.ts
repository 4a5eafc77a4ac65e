import fc from 'fast-check';
import { classifyAddress, EgressPolicy, isIpLiteral } from './egress-policy';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved or documentation'],
    ['198.51.100.7', 'reserved or documentation'],
    ['203.0.113.9', 'reserved or documentation'],
    ['198.18.0.1', 'reserved or documentation'],
    ['240.0.0.1', 'reserved or documentation'],
    ['192.0.0.8', 'reserved or documentation'],
  ])('refuses IPv4 %s (%s)', (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toContain(range);
  });

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'discard'],
    ['3fff::1', 'reserved'],
    ['::7f00:1', 'reserved'],
  ])('refuses IPv6 %s (%s)', (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toContain(range);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:100.64.1.1', 'carrier-grade NAT'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:0:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['[::ffff:127.0.0.1]', 'loopback'],
  ])('refuses the IPv6 form %s of a blocked IPv4 address (%s)', (address, range) => {
    const verdict = classifyAddress(address);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toContain(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:93.184.215.14', '64:ff9b::8.8.8.8', '2002:0808:0808::1'])(
    'allows the public address %s',
    (address) => {
      expect(classifyAddress(address)).toEqual({ allowed: true });
    },
  );

  it('refuses what is not an address', () => {
    expect(classifyAddress('example.com').allowed).toBe(false);
  });
});

describe('EgressPolicy', () => {
  it('allows allowlisted IPs, CIDRs and hostnames, and nothing else that is blocked', () => {
    const policy = new EgressPolicy(['127.0.0.1', 'LocalHost', '::1', '10.20.0.0/16', '.svc.cluster.local']);
    expect(policy.checkAddress('127.0.0.1')).toEqual({ allowed: true });
    expect(policy.checkAddress('::ffff:127.0.0.1')).toEqual({ allowed: true });
    expect(policy.checkAddress('::1')).toEqual({ allowed: true });
    expect(policy.checkAddress('10.20.3.4')).toEqual({ allowed: true });
    expect(policy.checkAddress('10.21.0.1').allowed).toBe(false);
    expect(policy.checkAddress('127.0.0.2').allowed).toBe(false);
    expect(policy.checkAddress('169.254.169.254').allowed).toBe(false);
    expect(policy.checkAddress('8.8.8.8')).toEqual({ allowed: true });
    expect(policy.allowsHostname('localhost')).toBe(true);
    expect(policy.allowsHostname('localhost.')).toBe(true);
    expect(policy.allowsHostname('hooks.svc.cluster.local')).toBe(true);
    expect(policy.allowsHostname('evil-localhost')).toBe(false);
    expect(policy.allowsHostname('example.com')).toBe(false);
  });

  it('allows nothing extra by default', () => {
    const policy = new EgressPolicy();
    expect(policy.checkAddress('127.0.0.1').allowed).toBe(false);
    expect(policy.allowsHostname('localhost')).toBe(false);
  });

  it('rejects an entry it cannot read', () => {
    expect(() => new EgressPolicy(['10.0.0.0/99'])).toThrow();
    expect(() => new EgressPolicy(['http://x'])).toThrow(/DELIVERY_ALLOWED_HOSTS/);
  });

  it('tells IP literals from hostnames', () => {
    expect(isIpLiteral('10.0.0.1')).toBe(true);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('localhost')).toBe(false);
  });
});

describe('EgressPolicy: what no allowlist opens', () => {
  const everything = ['0.0.0.0/0', '::/0', '::ffff:0:0/96', '.internal', '*.google.internal', 'hooks.example', '.example', 'localhost'];

  it.each([
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.100.100.200', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:100.100.100.200', 'cloud metadata'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:a9fe:a9fe::1', 'link-local'],
  ])('refuses %s for an allowlisted hostname, subnet or literal (%s)', (address, why) => {
    const policy = new EgressPolicy(everything);
    for (const verdict of [policy.checkConnection('hooks.example', address), policy.checkConnection('a.b.internal', address), policy.checkConnection(address, address), policy.checkAddress(address)]) {
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toContain(why);
    }
  });

  it('refuses metadata.google.internal by name, before any lookup, whatever it resolves to', () => {
    const policy = new EgressPolicy(everything);
    expect(policy.allowsHostname('metadata.google.internal')).toBe(false);
    expect(policy.checkBeforeLookup('METADATA.google.internal.')).toMatchObject({ allowed: false });
    expect(policy.checkConnection('metadata.google.internal', '93.184.215.14')).toMatchObject({ allowed: false });
  });

  it('lets an allowlisted hostname reach private addresses', () => {
    const policy = new EgressPolicy(['hooks.example', '*.svc.local']);
    expect(policy.checkConnection('hooks.example', '10.1.2.3')).toEqual({ allowed: true });
    expect(policy.checkConnection('api.svc.local', '127.0.0.1')).toEqual({ allowed: true });
    expect(policy.checkConnection('svc.local', '127.0.0.1').allowed).toBe(false);
    expect(policy.checkConnection('other.example', '10.1.2.3').allowed).toBe(false);
    expect(policy.checkBeforeLookup('hooks.example')).toBeUndefined();
  });

  it('refuses at boot an entry that names only what is never reachable', () => {
    expect(() => new EgressPolicy(['169.254.169.254'])).toThrow(/never reachable/);
    expect(() => new EgressPolicy(['169.254.0.0/24'])).toThrow(/never reachable/);
    expect(() => new EgressPolicy(['fe80::/64'])).toThrow(/never reachable/);
    expect(() => new EgressPolicy(['metadata.google.internal'])).toThrow(/never reachable/);
    expect(() => new EgressPolicy(['*.'])).toThrow(/not a hostname/);
    expect(() => new EgressPolicy(['169.0.0.0/8'])).not.toThrow();
  });

  const octet = fc.integer({ min: 0, max: 255 });
  const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
  const suffixRule = fc.oneof(ipv4.map((ip) => ip.slice(ip.indexOf('.'))), octet.map((o) => `.${o}`), octet.map((o) => `*.${o}`), fc.constantFrom('.1', '.0.1', '*.0.0.1'));

  it('never lets a subdomain rule match an IP literal (property)', () => {
    fc.assert(
      fc.property(ipv4, fc.array(suffixRule, { minLength: 1, maxLength: 5 }), (literal, rules) => {
        const policy = new EgressPolicy(rules);
        expect(policy.allowsHostname(literal)).toBe(false);
        expect(policy.checkBeforeLookup(literal)).toEqual(new EgressPolicy().checkBeforeLookup(literal));
      }),
    );
  });

  it('never reaches 169.254.0.0/16, whatever the allowlist and hostname (property)', () => {
    const entry = fc.oneof(ipv4, ipv4.map((ip) => `${ip}/${ip.length % 33}`), fc.constantFrom('0.0.0.0/0', '::/0', 'hooks.example', '.example', '*.example'));
    const allowlist = fc.array(entry, { maxLength: 5 }).filter((entries) => {
      try {
        return Boolean(new EgressPolicy(entries));
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(allowlist, octet, octet, fc.constantFrom('hooks.example', 'a.example', 'elsewhere.test'), (entries, c, d, hostname) => {
        const address = `169.254.${c}.${d}`;
        const policy = new EgressPolicy(entries);
        expect(policy.checkConnection(hostname, address).allowed).toBe(false);
        expect(policy.checkConnection(address, address).allowed).toBe(false);
        expect(policy.checkConnection(hostname, `::ffff:${address}`).allowed).toBe(false);
      }),
    );
  });
});
