// Writes docs/openapi.json from the code: node -r ./tools/ts-register.js apps/gateway/src/openapi.ts
// Preview mode builds the module graph without connecting to Kafka or Postgres.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@hookstream/logging';
import { serviceRoot } from '@hookstream/service-runtime';
import { gatewayModules } from './app.module';
import { GatewayEnv } from './config';
import { openApiDocument } from './swagger';

async function main(): Promise<void> {
  const config = GatewayEnv.parse({ ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', GATEWAY_DATABASE_URL: process.env.GATEWAY_DATABASE_URL ?? 'postgres://localhost/none' });
  const logger = createLogger({ service: 'openapi', level: 'warn' });
  const app = await NestFactory.create(serviceRoot({ service: 'gateway', logger, internalApi: config, imports: gatewayModules(config) }), { preview: true, logger: false, abortOnError: false });
  const out = path.resolve(__dirname, '../../../docs/openapi.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${out}\n`);
}

void main();
