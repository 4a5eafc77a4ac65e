import type { InternalCallOptions } from '@hookstream/service-runtime';
import type { AuthenticatedTenant } from './tenant.service';

/** The actor of a change made through the admin API (InternalHeaders.actor). */
export const ADMIN_ACTOR = 'admin';

/** The actor of a change made with one of a tenant's API keys (InternalHeaders.actor). */
export const apiKeyActor = (apiKeyId: string): string => `api_key:${apiKeyId}`;

/**
 * What a call to another service for a tenant's request is signed for: the
 * tenant, and the key that made the request, so that the change is recorded
 * as that key's.
 */
export function onBehalfOf(tenant: AuthenticatedTenant): Required<Pick<InternalCallOptions, 'tenantId' | 'actor'>> {
  return { tenantId: tenant.id, actor: apiKeyActor(tenant.apiKeyId) };
}
