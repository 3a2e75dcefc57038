// One error handler: a client error gets its message, a server error a bare 500 that is logged.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, requestLocale, unavailableMessage } from '../../db/outage.ts';

// German first: zod's messages for malformed requests ("Ungültige UUID", …).
z.config(z.locales.de());

/** Fastify's own refusals of a request body, as sentences for people (its texts are English). */
const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Die Anfrage enthält kein gültiges JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Die Anfrage ist leer, erwartet wird ein JSON-Objekt.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Die Anfrage ist zu groß.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Dieses Format wird nicht angenommen; bitte JSON senden (Content-Type: application/json).',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Die angegebene Länge der Anfrage stimmt nicht.',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({
        question: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)',
        message: v.message ?? 'ungültig',
      }));
      return reply.code(400).send({ message: `Ungültige Anfrage: ${errors.map((e) => `${e.question} ${e.message}`).join('; ')}`, errors });
    }
    // The database is down, frozen or saturated: nothing was stored, and sending again will work.
    if (isDatabaseUnavailable(err)) {
      request.server.dbHealth.report(err);
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ message: unavailableMessage(requestLocale(request)) });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ message: BODY_ERRORS[err.code] ?? err.message });
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ message: 'Interner Fehler' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ message: 'Nicht gefunden' }));
}
