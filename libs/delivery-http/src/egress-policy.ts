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
 * What delivery may connect to: globally routable addresses, plus what the
 * operator allowlists (DELIVERY_ALLOWED_HOSTS): hostnames (exact, or
 * ".example.com" for its subdomains), IP addresses and CIDR subnets.
 */
export class EgressPolicy {
  private readonly hostnames = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly subnets: [Address, number][] = [];

  /** Throws on an entry that is neither a hostname, an IP nor a CIDR. */
  constructor(allowlist: readonly string[] = []) {
    for (const raw of allowlist) {
      const entry = raw.trim().toLowerCase();
      if (!entry) continue;
      if (!this.add(entry)) throw new Error(`DELIVERY_ALLOWED_HOSTS: '${raw}' is not a hostname, IP address or CIDR`);
    }
  }

  private add(entry: string): boolean {
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) return false;
      this.subnets.push(normalizeSubnet(ipaddr.parseCIDR(entry)));
    } else if (isIpLiteral(entry)) {
      const address = normalize(ipaddr.parse(stripBrackets(entry)));
      this.subnets.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) {
      if (entry.startsWith('.')) this.suffixes.push(entry.replace(/\.$/, ''));
      else this.hostnames.add(entry.replace(/\.$/, ''));
    } else {
      return false;
    }
    return true;
  }

  /** An allowlisted hostname may resolve to anything. */
  allowsHostname(hostname: string): boolean {
    const host = stripBrackets(hostname.toLowerCase()).replace(/\.$/, '');
    return this.hostnames.has(host) || this.suffixes.some((s) => host.endsWith(s));
  }

  checkAddress(text: string): AddressVerdict {
    let address: Address;
    try {
      address = normalize(ipaddr.parse(stripBrackets(text)));
    } catch {
      return { allowed: false, reason: `'${text}' is not an IP address` };
    }
    if (this.subnets.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits))) return { allowed: true };
    return classifyAddress(text);
  }
}

/** IPv4-mapped IPv6 is compared as the IPv4 address it is. */
function normalize(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

function normalizeSubnet([address, bits]: [Address, number]): [Address, number] {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [address, bits];
}
