// Raw responses for researchers: paged by cursor (`after` = the last `seq` seen), or streamed as
// NDJSON in constant memory; `since` (a date) gives incremental pulls by last change. Admins
// erase a response by id (counts subtracted, audited without the answers).
import { Readable } from 'node:stream';
import { and, asc, eq, gt, gte, inArray, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { responses, surveyVersions } from '../db/schema.ts';
import { httpError } from '../errors.ts';
import { surveyOr404 } from './common.ts';
import { eraseResponse } from '../repositories/responses.ts';
import { SLUG_PATTERN } from '../repositories/surveys.ts';

const Message = z.object({ message: z.string() });
const SlugParams = z.object({ slug: z.string().regex(SLUG_PATTERN) });
const Filter = z.object({
  status: z.enum(['complete', 'partial', 'all']).default('all'),
  since: z.iso.date().optional(),
});
const PageQuery = Filter.extend({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const ResponseOut = z.object({
  id: z.string(),
  seq: z.number(),
  version: z.number(),
  segment: z.string(),
  linkLabel: z.string().nullable(),
  status: z.enum(['partial', 'complete']),
  locale: z.string(),
  createdOn: z.string(),
  updatedOn: z.string(),
  completedOn: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

function page(db: Db, surveyId: number, filter: z.infer<typeof Filter>, after: number, limit: number) {
  const where: SQL[] = [eq(responses.surveyId, surveyId), gt(responses.seq, after)];
  if (filter.status !== 'all') where.push(inArray(responses.status, [filter.status]));
  if (filter.since) where.push(gte(responses.updatedOn, filter.since));
  return db
    .select({
      id: responses.id,
      seq: responses.seq,
      version: surveyVersions.version,
      segment: responses.segment,
      linkLabel: responses.linkLabel,
      status: responses.status,
      locale: responses.locale,
      createdOn: responses.createdOn,
      updatedOn: responses.updatedOn,
      completedOn: responses.completedOn,
      data: responses.data,
    })
    .from(responses)
    .innerJoin(surveyVersions, eq(surveyVersions.id, responses.versionId))
    .where(and(...where))
    .orderBy(asc(responses.seq))
    .limit(limit);
}

const responsesAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };

  app.get(
    '/api/v1/surveys/:slug/responses',
    {
      ...researcher,
      schema: {
        tags: ['responses'],
        summary: 'Antworten seitenweise: next ist der Cursor (after) der nächsten Seite, null am Ende',
        params: SlugParams,
        querystring: PageQuery,
        response: { 200: z.object({ responses: z.array(ResponseOut), next: z.number().nullable() }), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const q = request.query;
      const rows = await page(app.db, survey.id, q, q.after, q.limit + 1);
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit).map((r) => ({ ...r, data: r.data as Record<string, unknown> }));
      return { responses: items, next: more ? items[items.length - 1].seq : null };
    },
  );

  app.get(
    '/api/v1/surveys/:slug/responses.ndjson',
    {
      ...researcher,
      schema: { tags: ['responses'], summary: 'Alle Antworten als NDJSON, gestreamt', params: SlugParams, querystring: Filter, response: { 200: z.any().describe('NDJSON: eine Antwort je Zeile'), 400: Message, 401: Message, 403: Message, 404: Message } },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const filter = request.query;
      async function* lines() {
        let after = 0;
        for (;;) {
          const rows = await page(app.db, survey.id, filter, after, 1000);
          for (const r of rows) yield `${JSON.stringify(r)}\n`;
          if (rows.length < 1000) return;
          after = rows[rows.length - 1].seq;
        }
      }
      return reply.header('content-type', 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(Readable.from(lines()));
    },
  );

  app.delete(
    '/api/v1/admin/responses/:id',
    {
      preHandler: app.requireRole('admin'),
      schema: {
        tags: ['responses', 'admin'],
        summary: 'Eine Antwort löschen (DSGVO); die Zählungen werden abgezogen, die Löschung protokolliert',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null(), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request, reply) => {
      if (!(await eraseResponse(app.db, request.params.id, `token:${request.actor?.id}`))) throw httpError(404, 'Antwort nicht gefunden');
      return reply.code(204).send(null);
    },
  );
};
export default responsesAdminRoutes;
