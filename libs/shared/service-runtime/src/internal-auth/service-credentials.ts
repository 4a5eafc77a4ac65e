import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SERVICE_CREDENTIAL_SCHEME, type ServiceCredentialError } from '@hookstream/contracts';

/** How far a credential's time may be from the receiver's clock, either way: clocks drift, replays must not last. */
export const CREDENTIAL_WINDOW_SECONDS = 30;

/** The request a credential is for: the method, the path with its query and the body, exactly as sent. */
export interface InternalCall {
  method: string;
  path: string;
  /** The body's bytes; none is the same as empty. */
  body?: string | Buffer;
  /** The tenant the call acts for; none for the routes every tenant shares (the catalog, the matcher's index). */
  tenantId?: string;
  /** Who made the public request behind the call (InternalHeaders.actor's value); none is the same as empty. */
  actor?: string;
}

/** Who made a call whose credential checked out. */
export interface VerifiedCaller {
  service: string;
  tenantId?: string;
  /** Who made the public request behind the call (InternalHeaders.actor), when the caller named someone. */
  actor?: string;
}

export type CredentialCheck = { ok: true; caller: VerifiedCaller } | { ok: false; error: ServiceCredentialError };

const VERSION = 'v1';
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;
// v1.<service>.<tenant, base64url>.<unix seconds>.<HMAC-SHA256, base64url>
const TOKEN = /^v1\.([a-z][a-z0-9-]{0,62})\.([A-Za-z0-9_-]*)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Service credentials for the internal HTTP routes: a token, signed with the
 * key every service shares, over the calling service, the tenant the call
 * acts for, the time, the method, the path with its query, a SHA-256 of
 * the body and the actor the call names (its header). A token is good for CREDENTIAL_WINDOW_SECONDS and for that one
 * request only, and the tenant and actor it names cannot be changed without
 * the key.
 *
 * Keys rotate without downtime: every service first accepts the new key
 * beside its own, then signs with it while accepting the old one, then drops
 * the old one.
 */
export class ServiceCredentials {
  private readonly key: Buffer;
  private readonly accepted: Buffer[];

  constructor(
    /** The key this service signs with. */
    key: string,
    /** The name this service signs with. */
    readonly service: string,
    private readonly now: () => number = Date.now,
    /** Keys accepted beside `key`, during a rotation. */
    acceptedKeys: readonly string[] = [],
  ) {
    if (!SERVICE_NAME.test(service)) throw new Error(`service name ${service} must be lowercase letters, digits and -`);
    if ([key, ...acceptedKeys].some((k) => k.length === 0)) throw new Error('an internal API key is empty');
    this.key = Buffer.from(key, 'utf8');
    this.accepted = [this.key, ...acceptedKeys.map((k) => Buffer.from(k, 'utf8'))];
  }

  /** The credential header's value for this call. */
  sign(call: InternalCall): string {
    const claims = `${VERSION}.${this.service}.${Buffer.from(call.tenantId ?? '', 'utf8').toString('base64url')}.${Math.floor(this.now() / 1000)}`;
    return `${SERVICE_CREDENTIAL_SCHEME} ${claims}.${mac(this.key, claims, call).toString('base64url')}`;
  }

  /** Checks a credential header's value against the request it came with. */
  verify(header: string | undefined, request: Omit<InternalCall, 'tenantId'>): CredentialCheck {
    if (!header) return { ok: false, error: 'service_credential_missing' };
    const [scheme, token, ...rest] = header.split(' ');
    const parts = scheme === SERVICE_CREDENTIAL_SCHEME && rest.length === 0 ? TOKEN.exec(token ?? '') : null;
    if (!parts) return { ok: false, error: 'service_credential_invalid' };
    const [, service, tenant, seconds, signature] = parts;
    const tenantId = Buffer.from(tenant, 'base64url').toString('utf8');
    // One spelling per tenant: other encodings of the same bytes, or bytes that are not UTF-8, are refused.
    if (Buffer.from(tenantId, 'utf8').toString('base64url') !== tenant) return { ok: false, error: 'service_credential_invalid' };
    const claims = `${VERSION}.${service}.${tenant}.${seconds}`;
    const given = Buffer.from(signature, 'base64url');
    if (!this.accepted.some((key) => timingSafeEqual(mac(key, claims, request), given))) return { ok: false, error: 'service_credential_invalid' };
    if (Math.abs(this.now() / 1000 - Number(seconds)) > CREDENTIAL_WINDOW_SECONDS) return { ok: false, error: 'service_credential_expired' };
    return { ok: true, caller: { service, ...(tenantId ? { tenantId } : {}), ...(request.actor ? { actor: request.actor } : {}) } };
  }
}

function mac(key: Buffer, claims: string, request: Omit<InternalCall, 'tenantId'>): Buffer {
  const body = createHash('sha256').update(request.body ?? '').digest('hex');
  // The actor's line only when there is one: a call that names no one signs as before the actor was signed, so
  // services that verify it can be deployed before the callers that send it. The hex digest before it holds no
  // newline, so the two spellings cannot meet.
  const actor = request.actor ? `\n${request.actor}` : '';
  return createHmac('sha256', key).update(`${claims}\n${request.method.toUpperCase()}\n${request.path}\n${body}${actor}`).digest();
}
