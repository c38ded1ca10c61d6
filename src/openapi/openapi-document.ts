import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../config/config';
import { declaredErrors, type DeclaredError, isDocumentedPublic, ownAuth } from './api-errors.decorator';
import { ErrorEnvelopeDto } from './error-envelope.dto';
import { finishDocument, type RouteFacts } from './finish-document';

// The document served at /docs/json: what the DTOs and decorators say, finished with the facts
// every route shares (security, common errors, headers) read from the same metadata the session
// guard reads, and the limits that come from configuration.
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('support-bff')
      .setDescription(
        'Support backend-for-frontend: conversations and tickets (Intercom), files, CSAT, devices, push. ' +
          'JSON in and out; timestamps are Unix milliseconds. Every response carries X-Request-Id; every error is the ErrorEnvelope. ' +
          'No request string (body, query, path; keys included) may contain U+0000 or an unpaired surrogate: 400 validation_error naming the field (the webhook stores them as U+FFFD).',
      )
      .setVersion('1.0')
      .setLicense('UNLICENSED', 'https://choosealicense.com/no-permission/')
      .addServer('/', 'This server')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Session JWT from /auth/telegram or /auth/exchange' },
        'session',
      )
      // GET /api/events only: EventSource cannot send headers (POST /api/events/ticket gives one).
      .addApiKey(
        { type: 'apiKey', in: 'query', name: 'ticket', description: 'Single-use stream ticket from POST /api/events/ticket (60 s)' },
        'streamTicket',
      )
      .build(),
    { extraModels: [ErrorEnvelopeDto] },
  );
  return finishDocument(document, routeFacts(app), config);
}

// operationId (Nest's default `<Controller>_<method>`) → whether the route is public and the
// errors its controller and handler declare.
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const classPublic = isDocumentedPublic(controller);
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const errors: DeclaredError[] = [...declaredErrors(controller), ...declaredErrors(handler)];
        const isPublic = classPublic || isDocumentedPublic(handler);
        facts.set(`${controller.name}_${name}`, { isPublic, errors, ownAuth: ownAuth(handler) });
      }
    }
  }
  return facts;
}
