import './tracing';
import 'reflect-metadata';
import { SwaggerModule } from '@nestjs/swagger';
import { apiNotFound, bodyDepthLimit, bodyErrorHandler } from '@hookstream/gateway-http';
import { runService } from '@hookstream/service-runtime';
import { migrateOnly } from '@hookstream/persistence';
import { gatewayDatabase, gatewayModules } from './app.module';
import { loadGatewayConfig } from './config';
import { openApiDocument } from './swagger';

const config = loadGatewayConfig();

/** Where the OpenAPI document is served: the UI and its JSON and YAML forms. */
const DOCS_PATHS = { ui: 'docs', json: 'docs-json', yaml: 'docs-yaml' };

runService({
  service: 'gateway',
  loadConfig: () => config,
  modules: gatewayModules,
  internalApi: (config) => config,
  migrateOnly: (config) => migrateOnly(config, gatewayDatabase(config)),
  bodyLimit: config.BODY_LIMIT,
  // Operators' routes stay off the public port, so an Ingress exposes only the API.
  opsPaths: [...Object.values(DOCS_PATHS).map((path) => `/${path}`), '/admin'],
  answerNotFound: apiNotFound,
  configure: (app) => {
    // Right after the body parser: invalid JSON answers 400 and oversize 413, in the API's error shape.
    app.use(bodyErrorHandler);
    // Before any pipe: class-validator and JSON.stringify recurse, and a body 20,000 levels deep would overflow them.
    app.use(bodyDepthLimit());
    SwaggerModule.setup(DOCS_PATHS.ui, app, () => openApiDocument(app), { jsonDocumentUrl: DOCS_PATHS.json, yamlDocumentUrl: DOCS_PATHS.yaml });
  },
});
