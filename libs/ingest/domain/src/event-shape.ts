import { hasUnstorableCharacters, isUnfitIdentifier } from '@hookstream/contracts';

/**
 * Checks on the raw shape of what a producer sends, before anything else
 * reads it. Everything an event carries ends up in Postgres jsonb (which
 * refuses NUL and lone surrogates), in webhook bodies built by JSON.stringify
 * (which recurses, so unbounded nesting overflows the stack) and, for its
 * identifiers, in Kafka keys, ledger rows and CloudEvents headers.
 */

export interface ShapeProblem {
  /** string_invalid_characters, data_too_deep, number_invalid or <field>_invalid. */
  code: string;
  /** Where, e.g. `data.items[3].name`: never the hostile string itself. */
  path: string;
  reason: string;
}

export const DEFAULT_MAX_DEPTH = 32;

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  segment: string | number | null;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | null = frame; f !== null && f.segment !== null; f = f.parent) {
    const s = f.segment;
    parts.push(typeof s === 'number' ? `[${s}]` : PLAIN_KEY.test(s) ? `.${s}` : '[…]');
  }
  return parts.reverse().join('').replace(/^\./, '') || '(root)';
}

const invalidCharacters = (path: string, what: string): ShapeProblem => ({
  code: 'string_invalid_characters',
  path,
  reason: `${path}: ${what} contains invalid characters (NUL or a lone UTF-16 surrogate)`,
});

/**
 * The first problem of a parsed JSON value, or null: a string or key with
 * NUL or a lone surrogate, a number that is not finite (`1e400` parses to
 * Infinity), or objects and arrays nested deeper than `maxDepth` (the value
 * itself is level 1). Iterative, so any depth is walked without recursion.
 */
export function findShapeProblem(root: unknown, maxDepth: number = DEFAULT_MAX_DEPTH): ShapeProblem | null {
  const stack: Frame[] = [{ value: root, depth: 1, parent: null, segment: null }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { value } = frame;
    if (typeof value === 'string') {
      if (hasUnstorableCharacters(value)) return invalidCharacters(pathOf(frame), 'the value');
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        const path = pathOf(frame);
        return { code: 'number_invalid', path, reason: `${path}: must be a finite number` };
      }
    } else if (typeof value === 'object' && value !== null) {
      if (frame.depth > maxDepth) {
        const path = pathOf(frame);
        return { code: 'data_too_deep', path, reason: `${path}: nested deeper than ${maxDepth} levels` };
      }
      const depth = frame.depth + 1;
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, parent: frame, segment: i });
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          if (hasUnstorableCharacters(key)) return invalidCharacters(pathOf(frame), 'a key');
          stack.push({ value: (value as Record<string, unknown>)[key], depth, parent: frame, segment: key });
        }
      }
    }
  }
  return null;
}

/**
 * The first identifier (by its name in the producer contract) that holds a
 * control character, NUL or a lone surrogate, or is longer than its limit
 * (the dedup ledger indexes them, and a btree row has a size limit).
 */
export function findUnfitIdentifier(fields: readonly (readonly [name: string, value: string | null | undefined, maxLength: number])[]): ShapeProblem | null {
  for (const [name, value, maxLength] of fields) {
    if (value === null || value === undefined) continue;
    if (isUnfitIdentifier(value)) {
      return { code: 'string_invalid_characters', path: name, reason: `${name}: contains invalid characters (a control character, NUL or a lone UTF-16 surrogate)` };
    }
    if (value.length > maxLength) return { code: `${name.replace(/\./g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_invalid`, path: name, reason: `${name}: longer than ${maxLength} characters` };
  }
  return null;
}
