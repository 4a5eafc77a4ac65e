import { IdPrefix, idPattern, isUnfitIdentifier, ProducerFieldLimits } from '@hookstream/contracts';

/**
 * Deepest JSON body accepted, the body itself being level 1. class-validator
 * and JSON.stringify recurse, so a deeper body would overflow the stack; a
 * producer event's own limit (INGEST_MAX_DEPTH, 32) fits well within it.
 */
export const MAX_BODY_DEPTH = 64;

/** True when objects and arrays nest deeper than `maxDepth`. Iterative: any depth is measured without recursion. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

// As long as the longest producer identifier (a subject id) may be.
const MAX_FREE_ID_LENGTH = ProducerFieldLimits.subjectId;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route parameters whose ids have a known form; other parameters (subject ids, tenant ids) are free text of bounded length. */
const PATH_ID_FORMS = new Map<string, RegExp>([
  ['workflowId', idPattern(IdPrefix.workflow)],
  ['workflowActionId', idPattern(IdPrefix.action)],
  ['workflowConditionId', idPattern(IdPrefix.condition)],
  ['eventId', idPattern(IdPrefix.event)],
  ['apiKeyId', idPattern(IdPrefix.apiKey)],
  ['uuid', UUID],
]);

/** Whether a path parameter can name anything at all: if not, the answer is 404 before any lookup. */
export function isWellFormedPathId(name: string, value: string): boolean {
  const form = PATH_ID_FORMS.get(name);
  if (form) return form.test(value);
  return value.length > 0 && value.length <= MAX_FREE_ID_LENGTH && !isUnfitIdentifier(value);
}
