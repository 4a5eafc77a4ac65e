import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { EgressPolicy } from './egress-policy';

export const EGRESS_BLOCKED = 'HOOKSTREAM_EGRESS_BLOCKED';

/** The address a connection would reach is not allowed (SSRF defence). */
export class EgressBlockedError extends Error {
  override readonly name = 'EgressBlockedError';
  readonly code = EGRESS_BLOCKED;
}

/**
 * An undici connector that checks where it connects, at connect time: an IP
 * literal before the socket opens, a hostname through a DNS lookup that
 * validates every address it resolves to. The addresses checked are the ones
 * connected to, so DNS rebinding cannot slip a private address through; an
 * allowlisted hostname may reach private addresses, never link-local or
 * metadata ones (EgressPolicy.checkConnection).
 */
export function guardedConnector(policy: EgressPolicy, options: buildConnector.BuildOptions = {}): buildConnector.connector {
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const verdict = policy.checkConnection(hostname, address);
        if (!verdict.allowed) return callback(new EgressBlockedError(`${hostname} resolves to ${verdict.reason}`), '', 0);
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
  const connect = buildConnector({ ...options, lookup } as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    const { hostname } = connectOptions;
    const verdict = policy.checkBeforeLookup(hostname);
    if (verdict && !verdict.allowed) {
      process.nextTick(() => callback(new EgressBlockedError(verdict.reason), null));
      return;
    }
    connect(connectOptions, callback);
  };
}
