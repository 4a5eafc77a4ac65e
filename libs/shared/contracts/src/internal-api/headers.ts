/**
 * Headers of the internal HTTP routes (gateway and event-ingest calling
 * workflow-config, event-ingest, projection and the matcher): one definition
 * for the calling side and the answering side.
 */
export const InternalHeaders = {
  /**
   * The service credential: `HookstreamService <token>`, a short-lived token
   * that names the calling service and the tenant the call acts for. The
   * tenant travels nowhere else.
   */
  credential: 'authorization',
  /**
   * Who made the public request, for the workflow history: `api_key:<key id>`
   * or `admin`. Covered by the credential's signature, like the tenant.
   */
  actor: 'x-hookstream-actor',
  /** The public base URL that `_links` hrefs are built on. */
  baseUrl: 'x-hookstream-base-url',
  /** The public request's id, carried into the internal service's logs. */
  requestId: 'x-request-id',
} as const;

/** The scheme of the credential header's value. */
export const SERVICE_CREDENTIAL_SCHEME = 'HookstreamService';

/** What a refused internal call answers (401), in error_codes. */
export type ServiceCredentialError = 'service_credential_missing' | 'service_credential_invalid' | 'service_credential_expired';
/** What a valid credential of a service a route is not for answers (403), in error_codes. */
export const SERVICE_NOT_ALLOWED = 'service_not_allowed';
