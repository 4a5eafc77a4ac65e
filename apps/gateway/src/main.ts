import 'reflect-metadata';
import { SwaggerModule } from '@nestjs/swagger';
import { bodyDepthLimit, bodyErrorHandler } from '@hookstream/gateway-auth';
import { runService } from '@hookstream/service-runtime';
import { GatewayModule } from './app.module';
import { loadGatewayConfig } from './config';
import { openApiDocument } from './swagger';

const config = loadGatewayConfig();

runService({
  service: 'gateway',
  loadConfig: () => config,
  module: (c, logger) => GatewayModule.register(c, logger),
  bodyLimit: config.BODY_LIMIT,
  configure: (app) => {
    // Right after the body parser: invalid JSON answers 400 and oversize 413, in the API's error shape.
    app.use(bodyErrorHandler);
    // Before any pipe: class-validator and JSON.stringify recurse, and a body 20,000 levels deep would overflow them.
    app.use(bodyDepthLimit());
    SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  },
});
