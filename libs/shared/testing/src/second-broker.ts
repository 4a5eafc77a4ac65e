import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { WORKSPACE_ROOT } from './infra';

/**
 * A second, private Kafka broker from the project's infra script, on its own
 * ports and data dir: a test can stop and start it without touching the
 * broker every other test uses.
 */
export class SecondBroker {
  constructor(
    readonly port = 19092,
    private readonly controllerPort = 19093,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  up(): void {
    this.run('up');
  }

  down(): void {
    this.run('down');
  }

  private run(command: 'up' | 'down'): void {
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.controllerPort) };
    delete env.KAFKA_BROKERS;
    // Postgres is not this broker's business: keep the script away from it.
    env.DATABASE_URL = env.DATABASE_URL || 'postgres://unused';
    execFileSync('bash', [path.join(WORKSPACE_ROOT, 'scripts/infra.sh'), command], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
