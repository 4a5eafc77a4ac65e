import path from 'node:path';
import ts from 'typescript';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { Manifest } from './rendered';

interface CustomResourceModel {
  /** Where its TypeScript interface is, and its name: every field the CRD knows, and nothing else. */
  readonly module: string;
  readonly type: string;
  /** The CRD's OpenAPI schema, compiled: types, enums, formats and required fields. */
  validate(manifest: Manifest): void;
}

const model = (module: string, type: string, Model: new (data: never) => { validate(): void }): CustomResourceModel => ({
  module,
  type,
  validate: (manifest) => new Model(manifest as never).validate(),
});

/** The custom resources the chart renders, by apiVersion/kind, from @kubernetes-models' packages of their CRDs. */
export const CUSTOM_RESOURCES: ReadonlyMap<string, CustomResourceModel> = new Map([
  ['keda.sh/v1alpha1/ScaledObject', model('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'IScaledObject', ScaledObject)],
  ['keda.sh/v1alpha1/TriggerAuthentication', model('@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication', 'ITriggerAuthentication', TriggerAuthentication)],
  ['monitoring.coreos.com/v1/ServiceMonitor', model('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', 'IServiceMonitor', ServiceMonitor)],
  ['monitoring.coreos.com/v1/PrometheusRule', model('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule', 'IPrometheusRule', PrometheusRule)],
]);

export const resourceKey = (m: Manifest): string => `${m.apiVersion}/${m.kind}`;
/** Kubernetes' own groups have no dot (apps, batch, the core group) or end in .k8s.io; kubernetes-validate checks those. */
const isCustom = (m: Manifest): boolean => {
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
  return group.includes('.') && !group.endsWith('.k8s.io');
};

/** Custom resources of a kind this check has no schema for: they would go unchecked. */
export const unknownCustomResources = (manifests: readonly Manifest[]): string[] =>
  manifests.filter((m) => isCustom(m) && !CUSTOM_RESOURCES.has(resourceKey(m))).map(resourceKey);

/** What the CRDs' compiled schemas refuse. */
export function schemaProblems(manifests: readonly Manifest[]): string[] {
  return manifests.flatMap((m) => {
    const resource = CUSTOM_RESOURCES.get(resourceKey(m));
    if (!resource) return [];
    try {
      resource.validate(m);
      return [];
    } catch (err) {
      return [`${m.kind} ${m.metadata.name}: ${(err as Error).message}`];
    }
  });
}

/**
 * What the CRDs' TypeScript interfaces refuse, strictly: each manifest is
 * typed as its interface in a program compiled in memory, and TypeScript's
 * excess-property check refuses any field the CRD does not have, at any
 * depth (the compiled schemas above let unknown fields pass, as the API
 * server would, silently dropping them). TypeScript names one problem per
 * manifest at least, not always every one.
 */
export function typeProblems(manifests: readonly Manifest[]): string[] {
  const typed = manifests.flatMap((m, index) => {
    const resource = CUSTOM_RESOURCES.get(resourceKey(m));
    return resource ? [{ m, index, resource }] : [];
  });
  if (typed.length === 0) return [];
  const file = path.join(__dirname, '__custom-resources__.ts');
  // Keys that are identifiers unquoted, so that messages name fields as the CRD does.
  const literal = (m: Manifest) => JSON.stringify(m, null, 1).replace(/^(\s*)"([A-Za-z_$][\w$]*)":/gm, '$1$2:');
  const declarations = typed.map(({ m, index, resource }) => `export const m${index}: ${resource.type} = ${literal(m)};`);
  const imports = [...new Set(typed.map(({ resource }) => `import type { ${resource.type} } from '${resource.module}';`))];
  const source = [...imports, ...declarations].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (path.resolve(name) === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const lines = source.split('\n');
  return ts.getPreEmitDiagnostics(program).map((d) => {
    // The type TypeScript prints after an unknown field is the whole CRD: the field's name says enough.
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/(does not exist) in type '[^]*$/, '$1');
    if (d.file === undefined || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const declaration = lines.slice(0, line + 1).reverse().find((text) => text.startsWith('export const m'));
    const index = Number(/^export const m(\d+)/.exec(declaration ?? '')?.[1]);
    const m = manifests[index];
    return m ? `${m.kind} ${m.metadata.name}: ${lines[line].trim()}: ${message}` : message;
  });
}
