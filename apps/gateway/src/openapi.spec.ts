import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ReferenceObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { createLogger } from '@hookstream/logging';
import { serviceRoot } from '@hookstream/service-runtime';
import { gatewayModules } from './app.module';
import { GatewayEnv } from './config';
import { openApiDocument } from './swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Checkout.com answers reflows 202 with no body: the SDK and generated clients expect none. */
const BODILESS_SUCCESS = (path: string, status: string) => status === '204' || (status === '202' && path.endsWith('/reflow'));

function operations(document: OpenAPIObject): [route: string, path: string, operation: OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [[`${method.toUpperCase()} ${path}`, path, item[method]] as [string, string, OperationObject]] : [])),
  );
}

function schemaOf(response: ResponseObject | ReferenceObject | undefined): unknown {
  // JSON everywhere but the live tail's stream of server-sent events.
  return response && 'content' in response ? (response.content?.['application/json'] ?? response.content?.['text/event-stream'])?.schema : undefined;
}

/** What a route's documentation lacks for a generated client to type its answers. */
function gaps(document: OpenAPIObject): string[] {
  return operations(document).flatMap(([route, path, operation]) => {
    const responses = Object.entries(operation.responses);
    const success = responses.filter(([status]) => /^2\d\d$/.test(status));
    return [
      ...(success.length === 0 ? [`${route}: no 2xx response`] : []),
      ...success.filter(([status, r]) => !BODILESS_SUCCESS(path, status) && !schemaOf(r)).map(([status]) => `${route}: ${status} without a schema`),
      ...responses.filter(([status, r]) => /^[45]\d\d$/.test(status) && !schemaOf(r)).map(([status]) => `${route}: ${status} without a schema`),
    ];
  });
}

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    // As apps/gateway/src/openapi.ts builds it: preview mode connects to nothing.
    const config = GatewayEnv.parse({ KAFKA_BROKERS: '127.0.0.1:9092', GATEWAY_DATABASE_URL: 'postgres://localhost/none' });
    const app = await NestFactory.create(serviceRoot({ service: 'gateway', logger: createLogger({ service: 'openapi', level: 'silent' }), internalApi: config, imports: gatewayModules(config) }), {
      preview: true,
      logger: false,
      abortOnError: false,
    });
    document = openApiDocument(app);
    await app.close();
  });

  it('documents a success and every error, each with a schema, on every route', () => {
    expect(operations(document).length).toBeGreaterThan(25);
    expect(gaps(document)).toEqual([]);
  });

  it('documents every error answer in the one error shape', () => {
    const errorSchemas = operations(document).flatMap(([, , operation]) =>
      Object.entries(operation.responses)
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .map(([, r]) => schemaOf(r)),
    );
    expect(new Set(errorSchemas.map((s) => JSON.stringify(s)))).toEqual(new Set([JSON.stringify({ $ref: '#/components/schemas/ApiErrorBody' })]));
  });

  it('finds the gaps it guards against', () => {
    const bare: OpenAPIObject = {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
      paths: {
        '/a': { get: { responses: { '404': { description: 'x' } } } },
        '/b': { post: { responses: { '200': { description: 'x' } } } },
        '/c/reflow': { post: { responses: { '202': { description: 'x' } } } },
        '/d': { delete: { responses: { '204': { description: 'x' } } } },
      },
    };
    expect(gaps(bare)).toEqual(['GET /a: no 2xx response', 'GET /a: 404 without a schema', 'POST /b: 200 without a schema']);
  });
});
