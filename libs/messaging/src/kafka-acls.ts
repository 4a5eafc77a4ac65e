import { AclEntry, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes } from 'kafkajs';
import { KafkaClientSettings, kafkaClientConfig } from './kafka-client-options';

/** What a service's user needs on its deployment's topics and groups: use, create and inspect, never delete topics or alter configs. */
const DEPLOYMENT_OPERATIONS = new Map<AclResourceTypes, AclOperationTypes[]>([
  [AclResourceTypes.TOPIC, [AclOperationTypes.READ, AclOperationTypes.WRITE, AclOperationTypes.CREATE, AclOperationTypes.DESCRIBE, AclOperationTypes.DESCRIBE_CONFIGS]],
  [AclResourceTypes.GROUP, [AclOperationTypes.READ, AclOperationTypes.DESCRIBE, AclOperationTypes.DELETE]],
]);

/**
 * The ACLs that let each user work on one deployment: the topics and consumer
 * groups that start with its KAFKA_TOPIC_PREFIX (groups carry the prefix too),
 * and nothing else on the cluster.
 */
export function deploymentAcls(users: readonly string[], prefix: string): AclEntry[] {
  if (prefix === '') throw new Error('a deployment needs a topic prefix to be granted: an empty one would grant every topic');
  return users.flatMap((user) =>
    [...DEPLOYMENT_OPERATIONS].flatMap(([resourceType, operations]) =>
      operations.map((operation) => ({
        resourceType,
        resourceName: prefix,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal: `User:${user}`,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    ),
  );
}

/** Grants `users` their deployment's ACLs, as a user allowed to alter ACLs (a super user). */
export async function grantDeployment(admin: KafkaClientSettings, users: readonly string[], prefix: string): Promise<void> {
  const client = new Kafka({ ...kafkaClientConfig(admin), retry: { retries: 5 } }).admin();
  await client.connect();
  try {
    await client.createAcls({ acl: deploymentAcls(users, prefix) });
  } finally {
    await client.disconnect();
  }
}
