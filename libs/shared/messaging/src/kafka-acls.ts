import { AclEntry, Admin, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes } from 'kafkajs';
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
  await withAdmin(admin, (client) => client.createAcls({ acl: deploymentAcls(users, prefix) }));
}

/** Removes the grants of every deployment whose prefix starts with `prefixStart` (a test run's); returns how many prefixes. */
export async function revokeDeployments(admin: KafkaClientSettings, prefixStart: string): Promise<number> {
  if (prefixStart === '') throw new Error('refusing to revoke the grants of every deployment');
  return withAdmin(admin, async (client) => {
    const { resources } = await client.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const granted = resources.filter((r) => r.resourceName.startsWith(prefixStart));
    if (granted.length > 0) {
      await client.deleteAcls({
        filters: granted.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: ResourcePatternTypes.PREFIXED, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY })),
      });
    }
    return new Set(granted.map((r) => r.resourceName)).size;
  });
}

async function withAdmin<T>(settings: KafkaClientSettings, use: (client: Admin) => Promise<T>): Promise<T> {
  const client = new Kafka({ ...kafkaClientConfig(settings), retry: { retries: 5 } }).admin();
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.disconnect();
  }
}
