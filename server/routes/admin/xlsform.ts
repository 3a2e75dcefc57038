// Uploading an XLSForm file in the workspace: converted and checked, then shown as a preview
// until the researcher publishes it as the next version or discards it.
//   POST /admin/xlsform                      a new survey (slug from the form, else form_id / file name)
//   POST /admin/surveys/:slug/xlsform        the next version of a survey
//   GET  /admin/previews/:id                 the preview page (respondent.js renders the survey)
//   GET  /admin/previews/:id/survey.json     the definition and findings the preview renders
//   POST /admin/previews/:id/publish         import as the next version → the survey's page
//   POST /admin/previews/:id/discard         forget it
// Pending uploads live in memory (PendingUploads), bound to the session that uploaded them.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeWhere } from '../../../surveys/xlsform/preview.ts';
import { escapeHtml, href, notice, page } from '../../../web/admin/html/layout.ts';
import { overviewPage } from '../../../web/admin/html/overview.ts';
import { previewPage, XLS_TEXTS } from '../../../web/admin/html/preview.ts';
import { surveyPage } from '../../../web/admin/html/survey.ts';
import { type Lang, TEXTS } from '../../../web/admin/html/texts.ts';
import type { UploadResult } from '../../../web/admin/html/upload.ts';
import { httpError } from '../../errors.ts';
import { surveyOverview } from '../../repositories/workspace.ts';
import { type CheckResult, checkXlsFormUpload, PendingUploads } from '../../repositories/xlsform-uploads.ts';
import { importSurvey, SLUG_PATTERN } from '../../repositories/surveys.ts';
import { actorOf, blank, LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { surveyOr404, surveyPageData } from './survey.ts';

const Csrf = { _csrf: z.string().optional() };
const FileFields = {
  ...Csrf,
  fileName: z.string().trim().regex(/\.(xlsx|csv)$/i, 'Datei: bitte eine .xlsx- oder .csv-Datei wählen').max(200),
  file: z.string().min(1, 'Datei: zum Hochladen einer Tabelle wird JavaScript benötigt').max(2_100_000),
  /** The checkbox: import what can be converted, list the rest in the preview. */
  lenient: blank(z.literal('1')),
};
const IdParams = z.object({ id: z.string().regex(/^[\w-]{10,40}$/) });

/** A refused spreadsheet as the upload notice shows it: one row per place in the sheet. */
function refused(lang: Lang, fileName: string, r: Extract<CheckResult, { ok: false }>, slug?: string): UploadResult {
  return {
    kind: 'refused',
    message: `${fileName}: ${XLS_TEXTS[lang].xlsRefused}`,
    findings: r.problems.map((p) => ({ element: describeWhere(p, lang) || p.sheet, message: lang === 'en' ? p.en : p.de })),
    slug,
    definition: '',
  };
}

const xlsformRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);
  const pending = new PendingUploads();
  const owner = (request: FastifyRequest) => request.adminSession?.idHash ?? '';
  const bytesOf = (b64: string) => Buffer.from(b64, 'base64');
  const found = (request: FastifyRequest, id: string, lang: Lang) => {
    const upload = pending.get(owner(request), id);
    if (!upload) throw httpError(404, XLS_TEXTS[lang].previewGone);
    return upload;
  };

  app.post(
    '/xlsform',
    { schema: { hide: true, querystring: LangQuery, body: z.object({ ...FileFields, slug: blank(z.string().trim().regex(SLUG_PATTERN)) }) }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const b = request.body;
      const checked = await checkXlsFormUpload(app.db, bytesOf(b.file), b.fileName, { slug: b.slug, lenient: b.lenient === '1' });
      if (!checked.ok) return sendHtml(reply, overviewPage(viewOf(app, request, reply), await surveyOverview(app.db), refused(lang, b.fileName, checked, b.slug)), 422);
      return reply.redirect(href(`/admin/previews/${pending.add(owner(request), checked.upload)}`, lang), 303);
    },
  );

  app.post('/surveys/:slug/xlsform', { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: z.object(FileFields) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    const checked = await checkXlsFormUpload(app.db, bytesOf(request.body.file), request.body.fileName, { slug: survey.slug, lenient: request.body.lenient === '1' });
    if (!checked.ok) return sendHtml(reply, surveyPage(viewOf(app, request, reply), await surveyPageData(app, survey, { upload: refused(lang, request.body.fileName, checked) })), 422);
    return reply.redirect(href(`/admin/previews/${pending.add(owner(request), checked.upload)}`, lang), 303);
  });

  app.get('/previews/:id', { schema: { hide: true, params: IdParams, querystring: LangQuery }, preHandler: guard }, async (request, reply) => {
    const u = found(request, request.params.id, langOfRequest(request));
    return sendHtml(reply, previewPage(viewOf(app, request, reply), { id: request.params.id, ...u }));
  });

  app.get('/previews/:id/survey.json', { schema: { hide: true, params: IdParams }, preHandler: guard }, async (request, reply) => {
    const u = found(request, request.params.id, langOfRequest(request));
    reply.header('cache-control', 'no-store');
    return {
      survey: u.definition,
      locales: u.locales,
      findings: u.findings.map((f) => ({ element: f.element, kind: f.kind, where: f.where ? { de: describeWhere(f.where, 'de'), en: describeWhere(f.where, 'en') } : undefined, de: f.de, en: f.en })),
    };
  });

  app.post('/previews/:id/publish', { schema: { hide: true, params: IdParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const u = found(request, request.params.id, lang);
    const r = await importSurvey(app.db, { slug: u.slug, definition: u.definition }, actorOf(request));
    pending.take(owner(request), request.params.id);
    return reply.redirect(href(`/admin/surveys/${r.slug}`, lang, { v: String(r.version), same: r.created ? '0' : '1' }), 303);
  });

  app.post('/previews/:id/discard', { schema: { hide: true, params: IdParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const u = pending.take(owner(request), request.params.id);
    if (!u) throw httpError(404, XLS_TEXTS[lang].previewGone);
    const t = XLS_TEXTS[lang];
    const view = viewOf(app, request, reply);
    return sendHtml(reply, page(view, t.discard, `${notice({ kind: 'ok', html: escapeHtml(t.discarded) })}<p><a href="${escapeHtml(href('/admin', lang))}">${escapeHtml(TEXTS[lang].back)}</a></p>`));
  });
};
export default xlsformRoutes;
