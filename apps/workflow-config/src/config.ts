import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, databaseUrl, InternalApiEnv, loadConfigOrExit, port, secret } from '@hookstream/config';
import { EncryptionKeysEnv } from '@hookstream/secrets';
import { DEFAULT_WORKFLOW_LIMITS, WORKFLOW_LIMIT_CEILINGS, WorkflowLimits } from '@hookstream/workflow-definition';

/** A limit on what one workflow holds: positive, and never past the contract's ceiling. */
const limit = (name: keyof WorkflowLimits) => z.coerce.number().int().positive().max(WORKFLOW_LIMIT_CEILINGS[name]).default(DEFAULT_WORKFLOW_LIMITS[name]);

export const WorkflowConfigEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(InternalApiEnv.shape)
  // A secret: production refuses the development ring and docker-compose.yml's example.
  .extend({ HOOKSTREAM_ENCRYPTION_KEYS: secret(EncryptionKeysEnv.shape.HOOKSTREAM_ENCRYPTION_KEYS) })
  .extend({
    WORKFLOW_CONFIG_DATABASE_URL: databaseUrl,
    PORT: port(3001),
    /** For _links.self in answers to callers that do not pass the gateway's (the gateway does, in x-hookstream-base-url). */
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    /** How often the config outbox relay polls when idle. */
    CONFIG_RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(150),
    CONFIG_RELAY_BATCH_SIZE: z.coerce.number().int().positive().default(200),
    /** How often the config topic is read and compared with the database (and at start), the missing re-published; 0: never. */
    CONFIG_TOPIC_CHECK_MS: z.coerce.number().int().min(0).default(300_000),
    /** Consumer group of the endpoint-disabled topic; KAFKA_TOPIC_PREFIX is put in front. */
    CONFIG_GROUP_ID: z.string().min(1).default('workflow-config'),
    WORKFLOW_MAX_ACTIONS: limit('actions'),
    WORKFLOW_MAX_CONDITION_VALUES: limit('conditionValues'),
    WORKFLOW_MAX_EVENT_SOURCES: limit('eventSources'),
    WORKFLOW_MAX_EVENT_TYPES: limit('eventTypes'),
    WORKFLOW_MAX_HEADERS: limit('headers'),
    WORKFLOW_MAX_HEADER_BYTES: limit('headerBytes'),
    WORKFLOW_MAX_URL_LENGTH: limit('urlLength'),
    WORKFLOW_MAX_SIGNATURE_KEY_LENGTH: limit('signatureKeyLength'),
    WORKFLOW_MAX_NAME_LENGTH: limit('nameLength'),
    WORKFLOW_MAX_STATE_BYTES: limit('stateBytes'),
    /** Workflows and MyCashflow subscriptions one tenant may hold together: each is a workflow in every matcher's index. */
    WORKFLOW_MAX_PER_TENANT: z.coerce.number().int().positive().max(1_000_000).default(1_000),
    /** How long a rotated-out webhook signing secret still signs (0: not at all). */
    WEBHOOK_SECRET_ROTATION_GRACE_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  });
export type WorkflowConfigConfig = z.infer<typeof WorkflowConfigEnv>;

export function workflowLimitsOf(config: WorkflowConfigConfig): WorkflowLimits {
  return {
    actions: config.WORKFLOW_MAX_ACTIONS,
    conditionValues: config.WORKFLOW_MAX_CONDITION_VALUES,
    eventSources: config.WORKFLOW_MAX_EVENT_SOURCES,
    eventTypes: config.WORKFLOW_MAX_EVENT_TYPES,
    headers: config.WORKFLOW_MAX_HEADERS,
    headerBytes: config.WORKFLOW_MAX_HEADER_BYTES,
    urlLength: config.WORKFLOW_MAX_URL_LENGTH,
    signatureKeyLength: config.WORKFLOW_MAX_SIGNATURE_KEY_LENGTH,
    nameLength: config.WORKFLOW_MAX_NAME_LENGTH,
    stateBytes: config.WORKFLOW_MAX_STATE_BYTES,
  };
}

export const loadWorkflowConfigConfig = (): WorkflowConfigConfig => loadConfigOrExit(WorkflowConfigEnv);
