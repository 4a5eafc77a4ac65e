import 'reflect-metadata';
import { SwaggerModule } from '@nestjs/swagger';
import { bodyErrorHandler } from '@hookstream/gateway-auth';
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
    SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  },
});
