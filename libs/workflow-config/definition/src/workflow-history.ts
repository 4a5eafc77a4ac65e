import { isDeepStrictEqual } from 'node:util';
import { type FieldChange, mapActionSecrets, type WebhookAction, type WorkflowState } from '@hookstream/contracts';

/*
 * What one change did, field by field, for GET /workflows/{id}/history.
 * Compared in clear, shown masked: every secret field (mapActionSecrets'
 * list) goes through `mask`, in whole actions too. Give it opened states: a
 * sealed value changes with every seal.
 */

/** The state's own bookkeeping, not a field anyone changes. */
const UNDIFFED = new Set(['id', 'tenant_id', 'version', 'updated_at', 'conditions', 'actions']);

/** A field's change, or none when equal; null and absent are both "nothing". `shown` are the values as the history shows them. */
function fieldChange(field: string, from: unknown, to: unknown, shown: { from: unknown; to: unknown } = { from, to }): FieldChange[] {
  if (isDeepStrictEqual(from ?? null, to ?? null)) return [];
  return [{ field, ...(from !== undefined ? { from: shown.from } : {}), ...(to !== undefined ? { to: shown.to } : {}) }];
}

/** Keys of both, those of `before` first, each once. */
function keysOf(before: object | undefined, after: object | undefined): string[] {
  return [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
}

const field = (value: object | undefined, key: string): unknown => (value && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined);

/** Items of two lists by id: removed and kept in `before`'s order, then the added ones. */
function pairsById<T extends { id: string }>(before: readonly T[], after: readonly T[]): [string, T | undefined, T | undefined][] {
  const afterById = new Map(after.map((item) => [item.id, item]));
  const beforeIds = new Set(before.map((item) => item.id));
  return [
    ...before.map((item): [string, T | undefined, T | undefined] => [item.id, item, afterById.get(item.id)]),
    ...after.filter((item) => !beforeIds.has(item.id)).map((item): [string, T | undefined, T | undefined] => [item.id, undefined, item]),
  ];
}

function actionChanges(id: string, before: WebhookAction | undefined, after: WebhookAction | undefined, mask: (secret: string) => string): FieldChange[] {
  const shownBefore = before && mapActionSecrets(before, mask);
  const shownAfter = after && mapActionSecrets(after, mask);
  const path = `actions[${id}]`;
  if (!before || !after) return fieldChange(path, before, after, { from: shownBefore, to: shownAfter });
  return keysOf(before, after).flatMap((key) => {
    if (key === 'id') return [];
    if (key === 'headers') {
      return keysOf(before.headers, after.headers).flatMap((name) =>
        fieldChange(`${path}.headers.${name}`, field(before.headers, name), field(after.headers, name), {
          from: field(shownBefore?.headers, name),
          to: field(shownAfter?.headers, name),
        }),
      );
    }
    return fieldChange(`${path}.${key}`, field(before, key), field(after, key), { from: field(shownBefore, key), to: field(shownAfter, key) });
  });
}

/**
 * The fields that differ between two states of one workflow: for a created
 * one (no `before`) the fields it was created with, for a deleted one (no
 * `after`) what it had. Actions and conditions are named by id; a whole one
 * added or removed is one change.
 */
export function diffStates(before: WorkflowState | undefined, after: WorkflowState | undefined, mask: (secret: string) => string): FieldChange[] {
  const top = keysOf(before, after)
    .filter((key) => !UNDIFFED.has(key))
    .flatMap((key) => fieldChange(key, field(before, key), field(after, key)));
  const conditions = pairsById(before?.conditions ?? [], after?.conditions ?? []).flatMap(([id, from, to]) =>
    from && to
      ? keysOf(from, to)
          .filter((key) => key !== 'id')
          .flatMap((key) => fieldChange(`conditions[${id}].${key}`, field(from, key), field(to, key)))
      : fieldChange(`conditions[${id}]`, from, to),
  );
  const actions = pairsById(before?.actions ?? [], after?.actions ?? []).flatMap(([id, from, to]) => actionChanges(id, from, to, mask));
  return [...top, ...conditions, ...actions];
}
