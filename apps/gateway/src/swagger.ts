import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiErrorBody } from '@hookstream/gateway-http';
import { generatedComponents } from '@hookstream/gateway-workflows';

const errorBody = { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorBody' } } };

/** Answers the gateway's middleware and guards give on any route, before a controller runs. */
const ANY_ROUTE_ERRORS: [status: string, response: ResponseObject][] = [
  ['503', { description: 'service_unavailable: the tenants database or an internal service cannot be reached (Retry-After when it is the database)', content: errorBody }],
];

/** Answers of the body parser and the depth limit, on routes that take a body. */
const BODY_ERRORS: [status: string, response: ResponseObject][] = [
  ['400', { description: 'request_malformed: invalid JSON, or body_too_deep', content: errorBody }],
  ['413', { description: 'request_too_large: over BODY_LIMIT', content: errorBody }],
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Adds the errors no controller declares, without overriding what one does. */
function addSharedErrors(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const shared = operation.requestBody ? [...BODY_ERRORS, ...ANY_ROUTE_ERRORS] : ANY_ROUTE_ERRORS;
      for (const [status, response] of shared) operation.responses[status] ??= response;
    }
  }
}

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('hookstream gateway')
    .setDescription('Checkout.com-compatible Workflows API, MyCashflow-style webhooks and producer ingest. Errors: {request_id, error_type, error_codes?}.')
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'sk_… or Bearer sk_…' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' }, 'admin')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorBody] });
  // Generated from the contract's input schemas, not from DTO classes.
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...Object.fromEntries(generatedComponents()) } };
  addSharedErrors(document);
  return document;
}
