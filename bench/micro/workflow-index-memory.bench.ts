// What the matcher's WorkflowIndex costs in memory: filler workflows (the
// ones scenario 5 publishes) are loaded the way the loader reads the config
// topic (JSON bytes -> readWorkflowConfig -> apply, a batch at a time), each
// run in a process of its own, once without an index as a baseline. Run:
//   node --expose-gc -r ./tools/ts-register.js bench/micro/workflow-index-memory.bench.ts [count]
//
// Each row: V8 heap after a full gc, its growth per workflow, off-heap
// bytes (Buffers), RSS before and after loading, the process's peak RSS,
// and the time to make the filler, encode, decode and apply it.
import { execFileSync } from 'node:child_process';
import { readWorkflowConfig } from '@hookstream/contracts';
import { WorkflowIndex } from '@hookstream/matching-domain';
import { fillerWorkflows } from '../src/workflow-setup';

const COUNT = Number(process.argv[2] ?? 100_000);
/** As the config topic's consumer takes them: one batch's bytes are garbage once it is applied. */
const BATCH = 2_000;
type Mode = 'index' | 'none';

interface Row {
  mode: Mode;
  heapBefore: number;
  rssBefore: number;
  heapAfter: number;
  external: number;
  rss: number;
  maxRss: number;
  workflows: number;
  loadMs: number;
}

const MB = 1024 * 1024;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run node with --expose-gc');
  collect();
  collect();
}

function load(mode: Mode): Row {
  // Whatever the first batch costs apart from the index (code, zod's caches) is paid before the baseline.
  for (const state of fillerWorkflows(10, COUNT)) readWorkflowConfig(state.id, Buffer.from(JSON.stringify(state)));
  gc();
  const { heapUsed: heapBefore, rss: rssBefore } = process.memoryUsage();
  const index = new WorkflowIndex();
  const started = performance.now();
  for (let offset = 0; offset < COUNT; offset += BATCH) {
    const messages = fillerWorkflows(Math.min(BATCH, COUNT - offset), offset).map((state) => ({ key: state.id, value: Buffer.from(JSON.stringify(state)) }));
    for (const m of messages) {
      const read = readWorkflowConfig(m.key, m.value);
      if (mode === 'index' && 'state' in read) index.apply(m.key, read.state);
    }
  }
  const loadMs = performance.now() - started;
  gc();
  const usage = process.memoryUsage();
  return {
    mode,
    heapBefore,
    rssBefore,
    heapAfter: usage.heapUsed,
    external: usage.external,
    rss: usage.rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    workflows: index.size,
    loadMs,
  };
}

const child = process.argv[3] as Mode | undefined;
if (child) {
  process.stdout.write(JSON.stringify(load(child)));
} else {
  process.stdout.write(`node ${process.version}, ${process.arch}, ${COUNT} filler workflows\n`);
  for (const mode of ['none', 'index'] as const) {
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, String(COUNT), mode], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out) as Row;
    const perWorkflow = r.workflows > 0 ? ` (${((r.heapAfter - r.heapBefore) / r.workflows).toFixed(0)} B/workflow)` : '';
    process.stdout.write(
      `${r.mode.padEnd(6)} heap ${(r.heapAfter / MB).toFixed(1)} MB, +${((r.heapAfter - r.heapBefore) / MB).toFixed(1)} MB${perWorkflow}, ` +
        `off-heap ${(r.external / MB).toFixed(1)} MB, rss ${(r.rssBefore / MB).toFixed(0)} MB before loading, ${(r.rss / MB).toFixed(0)} MB after, peak rss ${(r.maxRss / MB).toFixed(0)} MB, loaded in ${(r.loadMs / 1000).toFixed(1)} s\n`,
    );
  }
}
