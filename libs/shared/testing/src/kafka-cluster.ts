import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './infra';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/**
 * A private multi-broker KRaft cluster from the project's infra script
 * (`infra.sh up --brokers N`), on its own ports and state: a test can kill -9
 * a node and bring it back without touching the broker every other test
 * uses. The script runs asynchronously, so a test's receiver and pollers keep
 * running while a node starts.
 */
export class KafkaCluster {
  private brokerList: string[] = [];
  private stateDir: string | undefined;

  constructor(
    readonly size = 3,
    private readonly basePort = 19192,
  ) {}

  /** host:port of every node, comma-separated (KAFKA_BROKERS); known after up(). */
  get brokers(): string {
    if (this.brokerList.length === 0) throw new Error('the cluster has no brokers before up()');
    return this.brokerList.join(',');
  }

  /** Starts the nodes that are not running (a killed one comes back with its data) and waits until all serve. */
  async up(): Promise<void> {
    const lines = await this.script('up');
    this.brokerList = (lines.get('KAFKA_BROKERS') ?? '').split(',').filter(Boolean);
    this.stateDir = lines.get('HOOKSTREAM_KAFKA_CLUSTER_STATE');
    if (this.brokerList.length !== this.size || !this.stateDir) throw new Error(`infra.sh up --brokers ${this.size} did not report the cluster`);
  }

  /** Stops every node; `purge` deletes the cluster's data too. */
  async down(options: { purge?: boolean } = {}): Promise<void> {
    await this.script('down', ...(options.purge ? ['--purge'] : []));
  }

  /** The pid of node `node` (1-based), or undefined when it is not running. */
  pid(node: number): number | undefined {
    if (!this.stateDir) throw new Error('the cluster has no nodes before up()');
    try {
      const pid = Number(readFileSync(path.join(this.stateDir, `node-${node}`, 'kafka.pid'), 'utf8').trim());
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** kill -9: the node dies with whatever it had not written or replicated. */
  async kill(node: number): Promise<void> {
    const pid = this.pid(node);
    if (pid === undefined) throw new Error(`node ${node} is not running`);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => this.pid(node) === undefined, { timeoutMs: 10_000, what: `node ${node} (pid ${pid}) to die` });
  }

  private async script(command: 'up' | 'down', ...args: string[]): Promise<Map<string, string>> {
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_CLUSTER_PORT: String(this.basePort), INFRA_TIMEOUT: process.env.INFRA_TIMEOUT ?? '300' };
    delete env.KAFKA_BROKERS;
    // Postgres is not this cluster's business: keep the script away from it.
    env.DATABASE_URL = env.DATABASE_URL || 'postgres://unused';
    const { stdout } = await run('bash', [path.join(WORKSPACE_ROOT, 'scripts/infra.sh'), command, '--brokers', String(this.size), ...args], {
      env,
      maxBuffer: 1 << 20,
    });
    return new Map(stdout.split('\n').flatMap((line) => {
      const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      return match ? [[match[1], match[2]] as const] : [];
    }));
  }
}
