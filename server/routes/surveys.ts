// Researcher routes for surveys, their versions and their links.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { httpError } from '../errors.ts';
import { RowId, surveyOr404 } from './common.ts';
import { createLink, listLinks, revokeLink, SEGMENT_PATTERN } from '../repositories/links.ts';
import { setWebhook, webhookTargetProblem } from '../repositories/webhooks.ts';
import { importSurvey, LintError, listSurveys, listVersions, SLUG_PATTERN, updateSurveySettings } from '../repositories/surveys.ts';
import { checkXlsFormUpload } from '../repositories/xlsform-uploads.ts';
import { describeWhere } from '../../surveys/xlsform/preview.ts';

const Message = z.object({ message: z.string() });
const Findings = z.object({ message: z.string(), findings: z.array(z.object({ element: z.string(), message: z.string() })) });
const SlugParams = z.object({ slug: z.string().regex(SLUG_PATTERN) });
const LinkOut = z.object({
  id: z.number(),
  token: z.string(),
  url: z.string(),
  segment: z.string(),
  label: z.string().nullable(),
  maxResponses: z.number().nullable(),
  opensAt: z.date().nullable(),
  closesAt: z.date().nullable(),
  oneResponsePerBrowser: z.boolean(),
  revokedAt: z.date().nullable(),
  complete: z.number().optional(),
  partial: z.number().optional(),
});
export const LinkInputSchema = z.object({
  audience: z.string().regex(SEGMENT_PATTERN, 'Zielgruppe: Kleinbuchstaben und _, z. B. intermediary, sme, works_council'),
  label: z.string().max(200).optional(),
  max: z.number().int().positive().optional(),
  opens: z.coerce.date().optional(),
  closes: z.coerce.date().optional(),
  oneResponsePerBrowser: z.boolean().default(false),
});

/**
 * An imported version; `sanitized` lists what was removed from the author's HTML (German, per
 * element); `warnings` the questions whose codes or scale changed since the previous version
 * (German `message`, English `en`), which reports and exports keep apart per coding.
 */
const Imported = z.object({
  slug: z.string(),
  version: z.number(),
  created: z.boolean(),
  sanitized: z.array(z.object({ element: z.string(), message: z.string() })),
  warnings: z.array(z.object({ element: z.string(), message: z.string(), en: z.string() })),
});

/** A place in the spreadsheet ("survey, Zeile 14, Spalte relevant") and what is wrong or worth knowing there. */
const SheetLine = z.object({ element: z.string(), where: z.string(), message: z.string(), en: z.string() });
const XlsFormRefused = z.object({ message: z.string(), en: z.string(), findings: z.array(SheetLine) });

const surveysRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };
  const linkUrl = (token: string) => `${app.config.publicUrl}/s/${token}`;

  app.get('/api/v1/surveys', { ...researcher, schema: { tags: ['surveys'], response: { 200: z.object({ surveys: z.array(z.object({ slug: z.string(), title: z.string(), archived: z.boolean(), versions: z.number(), responses: z.number() })) }), 401: Message, 403: Message } } }, async () => ({
    surveys: await listSurveys(app.db),
  }));

  app.post(
    '/api/v1/surveys',
    { ...researcher, schema: { tags: ['surveys'], body: z.object({ slug: z.string(), definition: z.record(z.string(), z.unknown()) }), response: { 200: Imported, 201: Imported, 401: Message, 403: Message, 422: Findings } } },
    async (request, reply) => {
      try {
        const r = await importSurvey(app.db, request.body, `token:${request.actor?.id}`);
        return reply.code(r.created ? 201 : 200).send({
          slug: r.slug,
          version: r.version,
          created: r.created,
          sanitized: r.sanitized,
          warnings: r.warnings.map((w) => ({ element: w.element, message: w.message, en: w.en })),
        });
      } catch (err) {
        if (err instanceof LintError) return reply.code(422).send({ message: err.message, findings: err.findings });
        throw err;
      }
    },
  );

  app.post(
    '/api/v1/surveys/xlsform',
    {
      ...researcher,
      bodyLimit: 3 * 1024 * 1024,
      schema: {
        tags: ['surveys'],
        summary: 'XLSForm-Datei (.xlsx oder .csv, base64) als Umfrage bzw. nächste Version importieren; eine Ablehnung nennt Blatt, Zeile und Spalte, und nichts wird gespeichert',
        body: z.object({
          fileName: z.string().regex(/\.(xlsx|csv)$/i, 'fileName: der Dateiname mit .xlsx oder .csv, z. B. befragung.xlsx').max(200),
          file: z.base64({ message: 'file: die Datei als base64' }).max(2_100_000),
          slug: z.string().regex(SLUG_PATTERN).optional(),
          lenient: z.boolean().default(false),
        }),
        response: { 200: Imported.extend({ notes: z.array(SheetLine), dropped: z.array(SheetLine) }), 201: Imported.extend({ notes: z.array(SheetLine), dropped: z.array(SheetLine) }), 400: Message, 401: Message, 403: Message, 422: XlsFormRefused },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const checked = await checkXlsFormUpload(app.db, Buffer.from(b.file, 'base64'), b.fileName, { slug: b.slug, lenient: b.lenient });
      const line = (p: { sheet: string; row?: number; column?: string; de: string; en: string }, element = p.sheet) => ({ element, where: describeWhere(p), message: p.de, en: p.en });
      if (!checked.ok) return reply.code(422).send({ message: checked.message, en: checked.en, findings: checked.problems.map((p) => line(p)) });
      const u = checked.upload;
      const r = await importSurvey(app.db, { slug: u.slug, definition: u.definition }, `token:${request.actor?.id}`);
      return reply.code(r.created ? 201 : 200).send({
        slug: r.slug,
        version: r.version,
        created: r.created,
        sanitized: r.sanitized,
        warnings: r.warnings.map((w) => ({ element: w.element, message: w.message, en: w.en })),
        notes: u.findings.filter((f) => f.kind !== 'coding' && f.kind !== 'dropped').map((f) => ({ element: f.element, where: describeWhere(f.where), message: f.de, en: f.en })),
        dropped: u.dropped.map((p) => line(p)),
      });
    },
  );

  app.get(
    '/api/v1/surveys/:slug',
    { ...researcher, schema: { tags: ['surveys'], params: SlugParams, response: { 200: z.object({ slug: z.string(), title: z.string(), versions: z.array(z.object({ version: z.number(), contentHash: z.string(), createdAt: z.date() })) }), 401: Message, 403: Message, 404: Message } } },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return { slug: survey.slug, title: survey.title, versions: await listVersions(app.db, survey.id) };
    },
  );

  app.get('/api/v1/surveys/:slug/links', { ...researcher, schema: { tags: ['links'], params: SlugParams, response: { 200: z.object({ links: z.array(LinkOut) }), 401: Message, 403: Message, 404: Message } } }, async (request) => {
    const survey = await surveyOr404(app.db, request.params.slug);
    return { links: (await listLinks(app.db, survey.id)).map((l) => ({ ...l, url: linkUrl(l.token) })) };
  });

  app.post(
    '/api/v1/surveys/:slug/links',
    { ...researcher, schema: { tags: ['links'], params: SlugParams, body: LinkInputSchema, response: { 201: LinkOut, 401: Message, 403: Message, 404: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const b = request.body;
      const link = await createLink(
        app.db,
        { surveyId: survey.id, segment: b.audience, label: b.label, maxResponses: b.max, opensAt: b.opens, closesAt: b.closes, oneResponsePerBrowser: b.oneResponsePerBrowser },
        `token:${request.actor?.id}`,
      );
      return reply.code(201).send({ ...link, url: linkUrl(link.token) });
    },
  );

  app.delete(
    '/api/v1/surveys/:slug/links/:id',
    { ...researcher, schema: { tags: ['links'], params: SlugParams.extend({ id: RowId }), response: { 204: z.null(), 401: Message, 403: Message, 404: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      if (!(await revokeLink(app.db, survey.id, request.params.id, `token:${request.actor?.id}`))) throw httpError(404, 'Link nicht gefunden');
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/surveys/:slug',
    {
      ...researcher,
      schema: {
        tags: ['surveys'],
        params: SlugParams,
        body: z.object({ retentionDays: z.number().int().min(1).max(36_500).nullable().optional(), archived: z.boolean().optional() }),
        response: { 200: z.object({ slug: z.string(), retentionDays: z.number().nullable(), archived: z.boolean() }), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      await updateSurveySettings(app.db, survey.id, request.body, `token:${request.actor?.id}`);
      const updated = await surveyOr404(app.db, request.params.slug);
      return { slug: updated.slug, retentionDays: updated.retentionDays, archived: updated.archivedAt !== null };
    },
  );

  app.put(
    '/api/v1/surveys/:slug/webhook',
    {
      ...researcher,
      schema: {
        tags: ['surveys'],
        params: SlugParams,
        body: z.object({ url: z.url({ protocol: /^https?$/, message: 'url muss eine http(s)-Adresse sein, z. B. https://example.org/hook' }).nullable() }),
        response: { 200: z.object({ url: z.string().nullable(), secret: z.string().nullable() }), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const problem = request.body.url ? await webhookTargetProblem(request.body.url, app.config.webhooks.allowPrivate) : null;
      if (problem) throw httpError(400, problem);
      return setWebhook(app.db, survey.id, request.body.url, `token:${request.actor?.id}`);
    },
  );
};
export default surveysRoutes;
