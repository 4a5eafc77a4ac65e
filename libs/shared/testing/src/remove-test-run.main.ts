// `npm test` runs this at its end: every topic and consumer group of the run
// (named by HOOKSTREAM_TEST_RUN) leaves the broker, with the ACLs granted to
// its platforms' prefixes.
import { KafkaConnection, revokeDeployments } from '@hookstream/messaging';
import { TEST_RUN_ENV, testInfra, testLogger, testRunPrefix } from './infra';

async function main(): Promise<void> {
  if (!process.env[TEST_RUN_ENV]) throw new Error(`${TEST_RUN_ENV} is not set: refusing to remove every test's topics`);
  const kafka = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'test-cleanup', topicPrefix: testRunPrefix(), logger: testLogger() });
  await kafka.connect();
  try {
    const removed = await kafka.deleteEverythingPrefixed();
    const grants = await revokeDeployments({ brokers: testInfra().kafkaBrokers, clientId: 'test-cleanup' }, testRunPrefix());
    process.stderr.write(`[test] removed ${removed.topics} topics, ${removed.groups} consumer groups and the ACLs of ${grants} prefixes of test run ${testRunPrefix()}\n`);
  } finally {
    await kafka.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[test] could not remove the test run's topics: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
