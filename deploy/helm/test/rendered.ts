import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A Kubernetes object as `helm template` rendered it; the checks read what they need. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: unknown[];
  ports?: { name: string; containerPort: number }[];
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  [field: string]: unknown;
}

/** One value set's manifests (deploy/helm/test/values/<name>.yaml over defaults.yaml). */
export interface RenderedSet {
  name: string;
  manifests: Manifest[];
}

/** The environment variable scripts/chart-check.sh sets to the rendered sets' folder. */
export const RENDERED_ENV = 'HOOKSTREAM_CHART_RENDERED';

/** Every rendered value set; refuses to run on nothing, so a check can never pass vacuously. */
export function renderedSets(): RenderedSet[] {
  const dir = process.env[RENDERED_ENV];
  if (!dir) throw new Error(`${RENDERED_ENV} is not set: run bash scripts/chart-check.sh, which renders the chart and then runs these tests`);
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  if (files.length === 0) throw new Error(`${dir} holds no rendered value set`);
  return files.map((file) => ({ name: path.basename(file, '.json'), manifests: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Manifest[] }));
}

export const ofKind = (manifests: readonly Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);

/** The pod template of a Deployment or a Job. */
export function podSpecOf(workload: Manifest): PodSpec {
  const template = workload.spec?.template as { spec?: PodSpec } | undefined;
  if (!template?.spec) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
  return template.spec;
}

/** Every Deployment and Job: what runs the image. */
export const workloadsOf = (manifests: readonly Manifest[]): Manifest[] => manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');

export const envValue = (container: Container, name: string): string | undefined => container.env?.find((e) => e.name === name)?.value;
