import { z } from 'zod';
import { DEVELOPMENT_KEY_RING, KeyRing } from './key-ring';

/**
 * HOOKSTREAM_ENCRYPTION_KEYS, for the env schema of every service that seals
 * or opens secrets: parsed into a KeyRing at boot, or the boot stops naming
 * what is wrong. Unset: the public development ring.
 */
export const EncryptionKeysEnv = z.object({
  HOOKSTREAM_ENCRYPTION_KEYS: z
    .string()
    .default(DEVELOPMENT_KEY_RING)
    .transform((text, ctx) => {
      try {
        return KeyRing.parse(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});
