import { CUSTOM_RESOURCES, resourceKey, schemaProblems, typeProblems, unknownCustomResources } from './custom-resources';
import { Manifest, renderedSets } from './rendered';

const sets = renderedSets();

describe('the custom resources the chart renders', () => {
  it.each(sets.map((set) => [set.name, set] as const))('match their CRDs, no unknown field anywhere (%s)', (_name, set) => {
    const problems = { withoutSchema: unknownCustomResources(set.manifests), bySchema: schemaProblems(set.manifests), byType: typeProblems(set.manifests) };
    expect(problems).toEqual({ withoutSchema: [], bySchema: [], byType: [] });
  });

  it('include every kind the checks know, in some value set', () => {
    const rendered = new Set(sets.flatMap((set) => set.manifests.map(resourceKey)));
    expect([...CUSTOM_RESOURCES.keys()].filter((key) => !rendered.has(key))).toEqual([]);
  });
});

describe('the checks of custom resources', () => {
  const scaledObject = (spec: Record<string, unknown>): Manifest => ({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'broken' },
    spec: { scaleTargetRef: { name: 'delivery' }, triggers: [{ type: 'kafka', metadata: { topic: 'jobs' } }], ...spec },
  });

  it('refuse a field the CRD does not have, however deep', () => {
    expect(typeProblems([scaledObject({ minReplicas: 2 })])).toEqual([expect.stringMatching(/ScaledObject broken: .*'minReplicas' does not exist/)]);
    expect(typeProblems([scaledObject({ advanced: { restoreToOriginalReplicas: true, horizontalPodAutoscalerConfig: { behaviour: {} } } })])).toEqual([
      expect.stringMatching(/'behaviour' does not exist/),
    ]);
  });

  it('refuse a value of the wrong type or outside its enum', () => {
    expect(schemaProblems([scaledObject({ maxReplicaCount: '6' })])).toEqual([expect.stringMatching(/maxReplicaCount/)]);
    expect(schemaProblems([scaledObject({ triggers: [{ type: 'kafka', metadata: { lagThreshold: 5 } }] })])).toEqual([expect.stringMatching(/lagThreshold/)]);
    expect(typeProblems([scaledObject({ triggers: [{ type: 'kafka', metadata: { lagThreshold: 5 } }] })])).toEqual([expect.stringMatching(/not assignable to type 'string'/)]);
  });

  it('name a custom resource it has no schema for', () => {
    expect(unknownCustomResources([{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: { name: 'x' } }])).toEqual(['keda.sh/v1alpha1/ScaledJob']);
    expect(unknownCustomResources([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x' } }])).toEqual([]);
  });
});
