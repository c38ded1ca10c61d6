// `npm run openapi [file]`: writes the OpenAPI document the server serves at /docs/json, without a
// database or a listener (Nest's preview mode builds the module graph but instantiates nothing).
// `npm run lint` lints it with Redocly CLI.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/config';
import { buildOpenApiDocument } from '../src/openapi/openapi-document';

async function main(): Promise<void> {
  // Only builds the document (nothing is signed or served): dev defaults unless NODE_ENV says otherwise.
  const config = loadConfig({ NODE_ENV: 'development', ...process.env });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { preview: true, logger: false });
  const json = `${JSON.stringify(buildOpenApiDocument(app, config), null, 2)}\n`;
  await app.close();
  const target = process.argv[2];
  if (!target) {
    process.stdout.write(json);
    return;
  }
  mkdirSync(dirname(resolve(target)), { recursive: true });
  writeFileSync(target, json);
  process.stdout.write(`OpenAPI document written to ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
