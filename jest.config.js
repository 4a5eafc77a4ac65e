// One jest run, its tiers told apart by file suffix: *.spec.ts is pure and
// fast; *.int-spec.ts talks to the real Kafka and Postgres; *.e2e-spec.ts
// drives the running services through their public HTTP API;
// *.browser-spec.ts drives the console in chromium (playwright-core) on the
// running services; *.cluster.e2e-spec.ts does so on a multi-broker Kafka cluster of its own
// (scripts/infra.sh --brokers), killing brokers and services;
// *.docker-spec.ts runs the image and docker-compose.yml; and
// deploy/helm/test/*.chart-spec.ts reads the rendered Helm chart.
const { swcOptions } = require('./tools/swc-options');

// The build's own swc configuration; its paths resolve @hookstream/* imports.
const swc = ['@swc/jest', swcOptions()];
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // @nestjs/typeorm ships only ES modules: Node loads them with require(), jest's runtime does not, so swc makes them CommonJS.
  transform: { '^.+\\.ts$': swc, '/node_modules/@nestjs/typeorm/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/typeorm/)'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    // The Helm chart's rendered manifests: scripts/chart-check.sh renders them, then runs this project.
    { ...common, displayName: 'chart', testMatch: ['<rootDir>/deploy/helm/test/**/*.chart-spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs}/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.cluster\\.e2e-spec\\.ts$'],
      globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/apps/console/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
    },
    {
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/{apps,libs}/**/*.cluster.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
    },
    // The image and docker-compose.yml, run on the local Docker engine (scripts/docker.sh).
    {
      ...common,
      displayName: 'docker',
      testMatch: ['<rootDir>/deploy/**/*.docker-spec.ts'],
      globalSetup: '<rootDir>/deploy/docker/global-setup.js',
    },
  ],
};
