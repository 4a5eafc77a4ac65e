/**
 * Headers of the internal HTTP routes (gateway -> workflow-config,
 * event-ingest, projection): one definition for the calling side and the
 * answering side.
 */
export const InternalHeaders = {
  /** The tenant the call acts for, as the gateway authenticated it. */
  tenant: 'x-hookstream-tenant',
  /** The public base URL that `_links` hrefs are built on. */
  baseUrl: 'x-hookstream-base-url',
  /** The public request's id, carried into the internal service's logs. */
  requestId: 'x-request-id',
} as const;
