import { isId, type WorkflowActor } from '@hookstream/contracts';

const API_KEY_PREFIX = 'api_key:';

/**
 * Who made a change, from the internal actor header (`api_key:<key id>` or
 * `admin`); no header: the platform acting on its own. Anything else is
 * refused (null): the caller answers 400 actor_invalid.
 */
export function parseActor(value?: string): WorkflowActor | null {
  if (value === undefined) return { type: 'platform', id: null };
  if (value === 'admin') return { type: 'admin', id: null };
  if (value.startsWith(API_KEY_PREFIX)) {
    const id = value.slice(API_KEY_PREFIX.length);
    return isId('key', id) ? { type: 'api_key', id } : null;
  }
  return null;
}
