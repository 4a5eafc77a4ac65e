import nx from '@nx/eslint-plugin';

// Module boundaries are the architecture: an app composes libs, a lib of one
// service's scope is never imported by another service, and pure domain code
// depends on nothing with I/O.
const depConstraints = [
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data-access', 'type:util', 'type:contracts'] },
    { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data-access', 'type:util', 'type:contracts'] },
    { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'] },
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', 'type:domain', 'type:testing'] },
    // Benchmarks measure any part: the platform, a pipeline, a domain index.
    { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data-access', 'type:util', 'type:contracts', 'type:testing'] },
    // The docker tier (deploy/docker) drives the image from outside, as the e2e tier does: shared libs and the testing lib.
    { sourceTag: 'type:deploy', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', 'type:testing'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
    { sourceTag: 'scope:workflow-config', onlyDependOnLibsWithTags: ['scope:workflow-config', 'scope:shared'] },
    { sourceTag: 'scope:event-ingest', onlyDependOnLibsWithTags: ['scope:event-ingest', 'scope:shared'] },
    { sourceTag: 'scope:matcher', onlyDependOnLibsWithTags: ['scope:matcher', 'scope:shared'] },
    { sourceTag: 'scope:delivery', onlyDependOnLibsWithTags: ['scope:delivery', 'scope:shared'] },
    { sourceTag: 'scope:projection', onlyDependOnLibsWithTags: ['scope:projection', 'scope:shared'] },
    { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['*'] },
    { sourceTag: 'scope:deploy', onlyDependOnLibsWithTags: ['scope:shared'] },
    // The console is a browser app: it talks to the gateway over HTTP and imports no service's code.
    { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:shared'] }
];

const boundaries = (constraints) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      // The testing lib builds on contracts, messaging, persistence and
      // service-runtime, and their own tests use it: a test-only cycle.
      ignoredCircularDependencies: [
        ['contracts', 'testing'],
        ['messaging', 'testing'],
        ['persistence', 'testing'],
        ['service-runtime', 'testing'],
      ],
      depConstraints: constraints,
    },
  ],
});

// Tests of any project may use the testing lib.
const testConstraints = depConstraints.map((c) =>
  c.sourceTag.startsWith('type:') ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] } : c,
);

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', 'bench/results'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      ...boundaries(depConstraints),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }]
    }
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.browser-spec.ts', '**/*.chart-spec.ts', '**/__fixtures__/**/*.ts'],
    rules: { ...boundaries(testConstraints), '@typescript-eslint/no-non-null-assertion': 'off' }
  }
];
