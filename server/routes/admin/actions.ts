// The workspace's state-changing forms on one survey: create and revoke links and share links,
// publish a release of the shared reports, upload a new version. Every form carries a CSRF token (checked by requireSession).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { href } from '../../../web/admin/html/layout.ts';
import { surveyPage } from '../../../web/admin/html/survey.ts';
import { TEXTS } from '../../../web/admin/html/texts.ts';
import { httpError } from '../../errors.ts';
import { createLink, revokeLink, SEGMENT_PATTERN } from '../../repositories/links.ts';
import { publishRelease } from '../../repositories/releases.ts';
import { createShare, revokeShare, shareUrl } from '../../repositories/shares.ts';
import { ShareInputSchema } from '../shares.ts';
import { actorOf, blank, LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { RowId } from '../common.ts';
import { surveyOr404, surveyPageData } from './survey.ts';
import { importUpload } from './upload.ts';

const IdParams = SlugParams.extend({ id: RowId });
const Csrf = { _csrf: z.string().optional() };
const LinkForm = z.object({
  ...Csrf,
  audience: z.string().trim().regex(SEGMENT_PATTERN, 'Zielgruppe: Kleinbuchstaben, Ziffern und _, z. B. intermediary, sme, works_council'),
  label: blank(z.string().trim().max(200)),
  max: blank(z.coerce.number().int().positive()),
  closes: blank(z.coerce.date()),
});
const ShareForm = z.object({ ...Csrf, audience: ShareInputSchema.shape.audience, label: blank(z.string().trim().max(200)), expiresAt: blank(ShareInputSchema.shape.expiresAt.unwrap()) });

const actionRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);
  const back = (slug: string, lang: 'de' | 'en', query: Record<string, string>, anchor = '') => `${href(`/admin/surveys/${slug}`, lang, query)}${anchor}`;

  app.post('/surveys/:slug/links', { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: LinkForm }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    const b = request.body;
    const link = await createLink(app.db, { surveyId: survey.id, segment: b.audience, label: b.label || null, maxResponses: b.max, closesAt: b.closes }, actorOf(request));
    return reply.redirect(back(survey.slug, lang, { done: 'link-created' }, `#link-${link.id}`), 303);
  });

  app.post('/surveys/:slug/links/:id/revoke', { schema: { hide: true, params: IdParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    if (!(await revokeLink(app.db, survey.id, request.params.id, actorOf(request)))) throw httpError(404, TEXTS[lang].notFound);
    return reply.redirect(back(survey.slug, lang, { done: 'link-revoked' }), 303);
  });

  // The new key is shown in this response only (no redirect: it is stored nowhere to show again).
  app.post('/surveys/:slug/shares', { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: ShareForm }, preHandler: guard }, async (request, reply) => {
    const survey = await surveyOr404(app, request.params.slug, langOfRequest(request));
    const b = request.body;
    const share = await createShare(app.db, { surveyId: survey.id, audience: b.audience, label: b.label || null, expiresAt: b.expiresAt }, actorOf(request));
    const data = await surveyPageData(app, survey, { newShareUrl: shareUrl(app.config.publicUrl, survey.slug, share.audience, share.key) });
    return sendHtml(reply, surveyPage(viewOf(app, request, reply), data), 201);
  });

  app.post('/surveys/:slug/releases', { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    await publishRelease(app.db, survey.id, actorOf(request), 'manual');
    return reply.redirect(back(survey.slug, lang, {}, '#bf-release'), 303);
  });

  app.post('/surveys/:slug/shares/:id/revoke', { schema: { hide: true, params: IdParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    if (!(await revokeShare(app.db, survey.id, request.params.id, actorOf(request)))) throw httpError(404, TEXTS[lang].notFound);
    return reply.redirect(back(survey.slug, lang, { done: 'share-revoked' }), 303);
  });

  app.post(
    '/surveys/:slug/versions',
    { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: z.object({ ...Csrf, definition: z.string().max(2_000_000) }) }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const result = await importUpload(app.db, survey.slug, request.body.definition, actorOf(request), lang);
      if (result.kind !== 'refused') return reply.redirect(back(survey.slug, lang, { v: String(result.version), same: result.kind === 'unchanged' ? '1' : '0' }), 303);
      return sendHtml(reply, surveyPage(viewOf(app, request, reply), await surveyPageData(app, survey, { upload: result })), 422);
    },
  );
};
export default actionRoutes;
