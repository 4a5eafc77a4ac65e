// Rebuilds workflow snapshots from their events (workflow_events, the source
// of truth): npm run workflows:rebuild -- --check | --rebuild | --republish.
//   --check      compares every stored snapshot with the fold of its events and
//                lists the ones that differ (exit 1 if any); changes nothing.
//   --rebuild    rewrites the snapshots that differ, and puts each on the outbox.
//   --republish  as --rebuild, then puts every workflow's current state on the
//                outbox, so the running service's relay re-publishes the config topic.
// Safe beside running workflow-config replicas: each workflow is fixed under its row lock.
import 'reflect-metadata';
import { createLogger } from '@hookstream/logging';
import { openServiceDataSource, serviceSchema } from '@hookstream/persistence';
import { WorkflowConfigEntities, WorkflowConfigMigrations, WorkflowRebuild } from '@hookstream/workflow-config-service';
import { loadWorkflowConfigConfig } from './config';

const MODES = ['--check', '--rebuild', '--republish'] as const;
type Mode = (typeof MODES)[number];
const isMode = (value: string | undefined): value is Mode => MODES.some((mode) => mode === value);

async function main(mode: Mode): Promise<number> {
  const config = loadWorkflowConfigConfig();
  const logger = createLogger({ service: 'workflow-config-rebuild', level: config.LOG_LEVEL });
  const db = await openServiceDataSource({
    url: config.WORKFLOW_CONFIG_DATABASE_URL,
    schema: serviceSchema(config, 'workflow_config'),
    migrations: WorkflowConfigMigrations,
    entities: WorkflowConfigEntities,
  });
  try {
    const rebuild = new WorkflowRebuild(db);
    const report = mode === '--check' ? await rebuild.verify() : await rebuild.rebuild({ republish: mode === '--republish' });
    for (const mismatch of report.mismatches) logger.warn(mismatch, 'snapshot disagrees with its events');
    logger.info({ checked: report.checked, mismatches: report.mismatches.length, rebuilt: report.rebuilt, republished: report.republished }, `workflows ${mode.slice(2)} done`);
    return mode === '--check' && report.mismatches.length > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

const mode = process.argv[2];
if (!isMode(mode) || process.argv.length > 3) {
  process.stderr.write(`usage: npm run workflows:rebuild -- ${MODES.join(' | ')}\n`);
  process.exit(2);
}
main(mode).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`workflows rebuild failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
