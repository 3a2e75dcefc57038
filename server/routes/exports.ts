// Researcher exports over HTTP: the same streamed export as `befund export`, and its codebook.
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { surveyOr404 } from './common.ts';
import { CONTENT_TYPES, EXTENSIONS, FORMATS, prepareExport } from '../export/index.ts';
import { audit } from '../repositories/audit.ts';
import { SLUG_PATTERN } from '../repositories/surveys.ts';

const Message = z.object({ message: z.string() });
const Errors = { 400: Message, 401: Message, 403: Message, 404: Message };
/** A file body (CSV, XLSX, SAV, NDJSON): sent as it is, never serialised. */
const File = z.any().describe('Datei');
const SlugParams = z.object({ slug: z.string().regex(SLUG_PATTERN) });
const ExportQuery = z.object({
  format: z.enum(FORMATS),
  labels: z.enum(['codes', 'text']).default('codes'),
  status: z.enum(['complete', 'partial', 'all']).default('complete'),
  locale: z.enum(['de', 'en']).default('de'),
});

const exportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };

  app.get(
    '/api/v1/surveys/:slug/export',
    {
      ...researcher,
      schema: {
        tags: ['exports'],
        summary: 'Alle Antworten als CSV, XLSX, SPSS (.sav) oder NDJSON, gestreamt; ohne Kleingruppen-Unterdrückung',
        params: SlugParams,
        querystring: ExportQuery,
        response: { 200: File, ...Errors },
      },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const q = request.query;
      const job = await prepareExport(app.db, survey, q);
      const actor = `token:${request.actor?.id}`;
      await audit(app.db, actor, 'export', survey.slug, { format: q.format, labels: q.labels, status: q.status, via: 'api' });
      const body = new PassThrough();
      job
        .write(body)
        .then(() => {
          if (!body.writableEnded) body.end();
        })
        .catch((err: unknown) => {
          request.log.error({ err }, 'export failed');
          body.destroy(err as Error);
        });
      return reply
        .header('content-type', CONTENT_TYPES[q.format])
        .header('content-disposition', `attachment; filename="${survey.slug}.${EXTENSIONS[q.format]}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  app.get(
    '/api/v1/surveys/:slug/codebook',
    {
      ...researcher,
      schema: { tags: ['exports'], summary: 'Das Codebuch zum Export (CSV)', params: SlugParams, querystring: ExportQuery.pick({ locale: true }), response: { 200: File, ...Errors } },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const job = await prepareExport(app.db, survey, { format: 'csv', labels: 'codes', status: 'complete', locale: request.query.locale });
      return reply
        .header('content-type', CONTENT_TYPES.csv)
        .header('content-disposition', `attachment; filename="${survey.slug}.codebook.csv"`)
        .send(job.codebookCsv());
    },
  );
};
export default exportsRoutes;
