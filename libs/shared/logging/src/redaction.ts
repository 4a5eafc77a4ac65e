import pino from 'pino';

/**
 * What never reaches a log line, in one place. Applied by the logger to
 * every object it writes (at any depth) and to the finished line, so no
 * call site has to remember it.
 */
export const SecretRules = {
  /**
   * A property whose name holds one of these (compared in lower case,
   * without '-' and '_') is a secret, whatever its value: signature keys,
   * signing secrets, Authorization, passwords, API keys, connection strings.
   */
  names: ['authorization', 'signature', 'secret', 'password', 'passwd', 'apikey', 'token', 'cookie', 'credential', 'privatekey', 'databaseurl'],
  /** Every value inside a property whose name ends so: an action's custom headers carry credentials under names of the tenant's choosing. */
  containers: ['headers'],
  /** Text that is a secret wherever it appears, in any string: Standard Webhooks secrets, API keys, and the user:password of a URL. */
  patterns: [
    { pattern: /whsec_[A-Za-z0-9+/=]+/g, replacement: 'whsec_[redacted]' },
    { pattern: /\bsk_[A-Za-z0-9_]{8,}/g, replacement: 'sk_[redacted]' },
    { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"]+@/gi, replacement: '$1[redacted]@' },
  ],
} as const;

export const REDACTED = '[redacted]';
/** Deeper than any shape the platform logs; what lies below is not walked, and not written. */
const MAX_DEPTH = 64;

const normalise = (name: string) => name.toLowerCase().replace(/[-_]/g, '');
const SECRET_NAME = new RegExp(SecretRules.names.join('|'));
const isSecretName = (name: string) => SECRET_NAME.test(normalise(name));
const isContainer = (name: string) => SecretRules.containers.some((suffix) => normalise(name).endsWith(suffix));

/** The text with every SecretRules pattern replaced. */
export function redactText(text: string): string {
  let result = text;
  for (const { pattern, replacement } of SecretRules.patterns) result = result.replace(pattern, replacement);
  return result;
}

/**
 * A copy of `value` with secrets replaced: properties named as secrets,
 * everything inside a container, and secret text in any string. Plain
 * objects and arrays are copied; errors become {type, message, stack, …};
 * other objects (dates, buffers) pass as they are. Never throws.
 */
export function redactSecrets(value: unknown): unknown {
  return redact(value, 0, new Set());
}

function redact(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  const source = value instanceof Error ? errorFields(value) : value;
  if (!Array.isArray(source) && !isPlainObject(source)) return value;
  ancestors.add(value);
  try {
    if (Array.isArray(source)) return source.map((item) => redact(item, depth + 1, ancestors));
    const copy: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(source)) {
      if (isSecretName(name)) copy[name] = REDACTED;
      else if (isContainer(name)) copy[name] = censorAll(inner);
      else copy[name] = redact(inner, depth + 1, ancestors);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

/** A container's names stay (they help debugging), its values do not. */
function censorAll(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value === undefined ? value : REDACTED;
  if (Array.isArray(value)) return value.map(() => REDACTED);
  return Object.fromEntries(Object.keys(value).map((name) => [name, REDACTED]));
}

/** As pino writes an error (type, message and stack with their causes, own fields), as a plain object. */
function errorFields(err: Error): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pino.stdSerializers.err(err)));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
