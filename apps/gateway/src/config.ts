import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

export const GatewayEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3000),
    /** Base of _links.self hrefs. */
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    WORKFLOW_CONFIG_URL: z.string().url().default('http://127.0.0.1:3001'),
    EVENT_INGEST_URL: z.string().url().default('http://127.0.0.1:3002'),
    PROJECTION_URL: z.string().url().default('http://127.0.0.1:3005'),
    /** A tenant and secret key (sk_…) ensured at boot, for local use. */
    BOOTSTRAP_TENANT_ID: optional,
    BOOTSTRAP_API_KEY: optional,
    /** Enables POST /admin/tenants and /admin/tenants/{id}/keys (Authorization: Bearer <key>). */
    ADMIN_API_KEY: optional,
    /** Largest request body; larger answers 413. */
    BODY_LIMIT: z.string().default('1mb'),
  });
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export const loadGatewayConfig = (): GatewayConfig => loadConfigOrExit(GatewayEnv);
