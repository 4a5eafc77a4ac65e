import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

// 2000::/3 is the only IPv6 space assigned for global unicast.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
// ::/96, the deprecated IPv4-compatible form; ipaddr.js calls it unicast.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (incl. cloud metadata 169.254.169.254)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private (RFC 1918)',
  reserved: 'reserved or documentation',
  uniqueLocal: 'unique local (fc00::/7)',
  deprecatedSiteLocal: 'site-local (fec0::/10)',
};

/** The IPv4 address an IPv6 address embeds and routes to, if it has one. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  const p = address.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  // ::ffff:0:a.b.c.d (RFC 6145) and 64:ff9b::a.b.c.d (NAT64, RFC 6052) reach IPv4 a.b.c.d.
  if (range === 'rfc6145' || (range === 'rfc6052' && p[0] === 0x64 && p[1] === 0xff9b && p[2] === 0)) return fromWords(p[6], p[7]);
  // 2002:AABB:CCDD::/16 (6to4) tunnels to IPv4 AA.BB.CC.DD.
  if (range === '6to4') return fromWords(p[1], p[2]);
  return undefined;
}

/**
 * Only globally routable unicast addresses may be reached: loopback,
 * private, link-local, CGNAT, multicast, unspecified, documentation and
 * other reserved ranges are refused, and an IPv6 form that embeds an IPv4
 * address (mapped, translated, NAT64, 6to4) is judged by that IPv4 address.
 */
export function classifyAddress(text: string): AddressVerdict {
  let address: Address;
  try {
    address = ipaddr.parse(stripBrackets(text));
  } catch {
    return { allowed: false, reason: `'${text}' is not an IP address` };
  }
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const v4 = embeddedIPv4(v6);
    if (v4) {
      const inner = classifyIPv4(v4);
      return inner.allowed ? inner : { allowed: false, reason: `${text} embeds ${v4.toString()}: ${inner.reason}` };
    }
    const range = v6.range();
    if (range !== 'unicast' || !v6.match(GLOBAL_UNICAST_V6) || v6.match(IPV4_COMPATIBLE)) {
      return { allowed: false, reason: `${text} is ${describe(range === 'unicast' ? 'reserved' : range)}` };
    }
    return { allowed: true };
  }
  const verdict = classifyIPv4(address as ipaddr.IPv4);
  return verdict.allowed ? verdict : { allowed: false, reason: `${text} ${verdict.reason}` };
}

function classifyIPv4(address: ipaddr.IPv4): AddressVerdict {
  const range = address.range();
  return range === 'unicast' ? { allowed: true } : { allowed: false, reason: `is ${describe(range)}` };
}

function describe(range: string): string {
  return `in a blocked range: ${RANGE_NAMES[range] ?? range}`;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(stripBrackets(host));
}

/**
 * Never reachable, whatever an allowlist says: link-local (where cloud
 * metadata services answer) and the metadata endpoints outside it. An IPv6
 * form that embeds one of these IPv4 addresses is refused the same way.
 */
const NEVER_REACHABLE: readonly { subnet: [Address, number]; name: string }[] = [
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['fe80::/10', 'link-local'],
  ['100.100.100.200/32', 'a cloud metadata endpoint'],
  ['fd00:ec2::254/128', 'a cloud metadata endpoint'],
].map(([cidr, name]) => ({ subnet: ipaddr.parseCIDR(cidr), name }));
const NEVER_REACHABLE_HOSTNAMES = new Set(['metadata.google.internal']);

/** Why `address` may never be reached, or undefined. */
function neverReachable(address: Address): string | undefined {
  const v4 = address.kind() === 'ipv6' ? embeddedIPv4(address as ipaddr.IPv6) : undefined;
  const candidates = v4 ? [address, v4] : [address];
  return NEVER_REACHABLE.find(({ subnet: [net, bits] }) => candidates.some((a) => a.kind() === net.kind() && a.match(net, bits)))?.name;
}

/** Lower case, without brackets or a trailing dot: how hostnames are compared. */
function canonicalHost(hostname: string): string {
  return stripBrackets(hostname.toLowerCase()).replace(/\.$/, '');
}

/**
 * What delivery may connect to: globally routable addresses, plus what the
 * operator allowlists: hostnames (exact, or ".example.com" / "*.example.com"
 * for its subdomains), IP addresses and CIDR subnets. Nothing allowlisted
 * reaches a NEVER_REACHABLE address, and a subdomain rule never matches an
 * IP literal.
 */
export class EgressPolicy {
  private readonly hostnames = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly subnets: [Address, number][] = [];

  /** Throws on an entry that is neither a hostname, an IP nor a CIDR, or that names only what is never reachable. */
  constructor(allowlist: readonly string[] = [], source = 'DELIVERY_ALLOWED_HOSTS') {
    for (const raw of allowlist) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      const problem = this.add(entry);
      if (problem) throw new Error(`${source}: '${raw}' ${problem}`);
    }
  }

  private add(entry: string): string | undefined {
    if (entry.includes('/') || isIpLiteral(entry)) {
      if (entry.includes('/') && !ipaddr.isValidCIDR(entry)) return 'is not a hostname, IP address or CIDR';
      const subnet = normalizeSubnet(entry.includes('/') ? ipaddr.parseCIDR(entry) : hostSubnet(ipaddr.parse(stripBrackets(entry))));
      if (NEVER_REACHABLE.some(({ subnet: [net, bits] }) => subnet[0].kind() === net.kind() && subnet[1] >= bits && subnet[0].match(net, bits))) {
        return 'is never reachable (link-local or cloud metadata)';
      }
      this.subnets.push(subnet);
      return undefined;
    }
    const wildcard = entry.startsWith('*.') ? entry.slice(1) : entry;
    if (!/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(wildcard)) return 'is not a hostname, IP address or CIDR';
    const host = wildcard.replace(/\.$/, '');
    if (NEVER_REACHABLE_HOSTNAMES.has(host)) return 'is never reachable (cloud metadata)';
    if (host.startsWith('.')) this.suffixes.push(host);
    else this.hostnames.add(host);
    return undefined;
  }

  /** An allowlisted hostname may resolve to private addresses; an IP literal is never one. */
  allowsHostname(hostname: string): boolean {
    const host = canonicalHost(hostname);
    if (isIpLiteral(host) || NEVER_REACHABLE_HOSTNAMES.has(host)) return false;
    return this.hostnames.has(host) || this.suffixes.some((s) => host.endsWith(s));
  }

  /** An address, on its own (an IP literal in a URL). */
  checkAddress(text: string): AddressVerdict {
    let address: Address;
    try {
      address = normalize(ipaddr.parse(stripBrackets(text)));
    } catch {
      return { allowed: false, reason: `'${text}' is not an IP address` };
    }
    const never = neverReachable(address);
    if (never) return { allowed: false, reason: `${text} is ${never}: never reachable` };
    if (this.subnets.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits))) return { allowed: true };
    return classifyAddress(text);
  }

  /** What can be decided from the hostname alone: an IP literal, or a name never reachable; undefined when its addresses decide. */
  checkBeforeLookup(hostname: string): AddressVerdict | undefined {
    const host = canonicalHost(hostname);
    if (isIpLiteral(host) || NEVER_REACHABLE_HOSTNAMES.has(host)) return this.checkConnection(host, host);
    return undefined;
  }

  /**
   * May a connection for `hostname` (as the URL names it) go to `address`
   * (what it resolved to; an IP literal is its own address)? Decided on the
   * address actually connected to, so DNS rebinding cannot slip past.
   */
  checkConnection(hostname: string, address: string): AddressVerdict {
    const host = canonicalHost(hostname);
    if (NEVER_REACHABLE_HOSTNAMES.has(host)) return { allowed: false, reason: `${host} is a cloud metadata endpoint: never reachable` };
    if (!this.allowsHostname(host)) return this.checkAddress(address);
    try {
      const never = neverReachable(normalize(ipaddr.parse(stripBrackets(address))));
      return never ? { allowed: false, reason: `${address} is ${never}: never reachable` } : { allowed: true };
    } catch {
      return { allowed: false, reason: `'${address}' is not an IP address` };
    }
  }
}
/** IPv4-mapped IPv6 is compared as the IPv4 address it is. */
function normalize(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/** One address as the subnet holding only it. */
function hostSubnet(address: Address): [Address, number] {
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

function normalizeSubnet([address, bits]: [Address, number]): [Address, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}
