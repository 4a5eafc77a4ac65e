import { z } from 'zod';

/** INTERNAL_API_KEY when none is set: local runs need none, and production refuses it. */
export const LOCAL_INTERNAL_API_KEY = 'int_local_dev_key_0000000000000000000000';

/**
 * Keys anyone can read in this repository: the local development defaults
 * (here and in scripts/dev.sh) and the examples in docker-compose.yml and the
 * README. A unit test finds every such key in those files and fails when one
 * is missing here.
 */
export const PUBLISHED_KEYS: ReadonlySet<string> = new Set([
  LOCAL_INTERNAL_API_KEY,
  'sk_local_dev_key_0000000000000000',
  'adm_local_dev_key_00000000000000',
  'int_local_change_me_00000000000000000000',
  'sk_local_change_me_0000000000000000',
  'adm_local_change_me_000000000000000',
  // HOOKSTREAM_ENCRYPTION_KEYS entries: the development ring (libs/shared/secrets) and docker-compose.yml's example.
  'local-dev-insecure:spxQIFPn7ddClbOjRUIM1tYtiUhvBoV4gaNlUuP0/Xw=',
  'compose-example:JRPPeYGEJodG5b1p+FEBM9ykebtLwLNNr+e6Hq0XNxE=',
]);

/** A parsed secret setting made of several keys (a key ring): checked key by key. */
interface SecretTexts {
  readonly secretTexts: readonly string[];
}
const hasSecretTexts = (value: unknown): value is SecretTexts =>
  typeof value === 'object' && value !== null && Array.isArray((value as Partial<SecretTexts>).secretTexts);

const secretSettings = z.registry<{ secret: true }>();

/**
 * Marks a setting as a secret (wrap the whole setting, default and all): with
 * NODE_ENV=production, a service refuses to start when it is set to an empty
 * or published key. An optional secret left unset stays off.
 */
export function secret<S extends z.ZodType>(schema: S): S {
  secretSettings.add(schema, { secret: true });
  return schema;
}

/** What is wrong with the secret settings of a parsed production environment: one line per variable. */
export function productionSecretProblems(schema: z.ZodType, env: Record<string, unknown>): string[] {
  if (env.NODE_ENV !== 'production' || !(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.keys(shape)
    .filter((name) => secretSettings.has(shape[name]))
    .flatMap((name) => {
      const value = env[name];
      // A list setting (keys accepted during a rotation) is checked key by key; an empty list is unset.
      const keys = Array.isArray(value) ? value : hasSecretTexts(value) ? value.secretTexts : value === undefined ? [] : [value];
      if (keys.some((key) => typeof key !== 'string' || key.trim() === '')) return [`${name}: is empty; set a key of your own in production`];
      if (keys.some((key) => PUBLISHED_KEYS.has(key))) return [`${name}: is a published example or development key; set a key of your own in production`];
      return [];
    });
}
