import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** Percent of the sampled time, idle included. */
  share: number;
}

/**
 * Where a .cpuprofile's time goes: the functions with the most self time, and
 * the packages (node_modules/x, libs/x) charged with the time of their own
 * code plus the Node internals and native code they called.
 */
export function summarizeProfile(file: string, top = 15): { top: ProfileEntry[]; byPackage: ProfileEntry[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalMs / Math.max(1, profile.samples.length);
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    // Charge internals to the nearest caller that is a package (or leave them to Node when none is).
    let owner: ProfileNode | undefined = node;
    while (owner && isInternal(owner.callFrame.url)) owner = parent.get(owner.id);
    const pkg = owner ? packageOf(owner.callFrame.url, owner.callFrame.functionName) : packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort(([, a], [, b]) => b - a)
      .slice(0, top)
      .map(([name, selfMs]) => ({ name, selfMs, share: (100 * selfMs) / totalMs }));
  return { top: rank(byFunction), byPackage: rank(byPackage) };
}

function shortUrl(url: string): string {
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url.replace(/^file:\/\//, '');
}

function isInternal(url: string): boolean {
  return url === '' || url.startsWith('node:');
}

/**
 * The package a frame's code belongs to: node_modules/<name> (scoped too),
 * node:<module>, apps/<service>, and libs by owner and part
 * (dist/libs/delivery/pipeline/... is libs/delivery/pipeline).
 */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const lib = /\/dist\/libs\/([^/]+)\/([^/]+)\//.exec(url);
  // A lib straight under its owner (dist/libs/<name>/src/...) has no part.
  if (lib) return lib[2] === 'src' ? `libs/${lib[1]}` : `libs/${lib[1]}/${lib[2]}`;
  const app = /\/dist\/apps\/([^/]+)\//.exec(url);
  if (app) return `apps/${app[1]}`;
  return url;
}
