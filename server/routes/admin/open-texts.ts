// The workspace page that approves open texts for shared reports:
//   GET  /admin/surveys/:slug/texts[?show=pending|approved][&after=ID]   the texts, a page at a time
//   POST /admin/surveys/:slug/texts/:id   approved=1|0 (+ CSRF token): approve or withdraw, audited;
//                                         back to the page it was sent from
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { href } from '../../../web/admin/html/layout.ts';
import { openTextsPage } from '../../../web/admin/html/open-texts.ts';
import { TEXTS } from '../../../web/admin/html/texts.ts';
import { httpError } from '../../errors.ts';
import { mergedCatalogue } from '../../repositories/aggregates.ts';
import { listOpenTexts, setOpenTextApproval } from '../../repositories/open-texts.ts';
import { actorOf, LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { surveyOr404 } from './survey.ts';

const PAGE = 200;
const TextId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Show = z.enum(['all', 'approved', 'pending']).default('all');
const After = z.preprocess((v) => (v === '' ? undefined : v), TextId.optional());

const openTextRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);

  app.get(
    '/surveys/:slug/texts',
    { schema: { hide: true, params: SlugParams, querystring: LangQuery.extend({ show: Show, after: After, done: z.enum(['approved', 'withdrawn']).optional() }) }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const q = request.query;
      const [list, catalogue] = await Promise.all([
        listOpenTexts(app.db, survey.id, { after: q.after, limit: PAGE, approved: q.show === 'all' ? undefined : q.show === 'approved' }),
        mergedCatalogue(app.db, survey.id),
      ]);
      const titles = new Map(catalogue.questions.map((x) => [x.name, x.title[lang] ?? x.title.de ?? x.name]));
      return sendHtml(
        reply,
        openTextsPage(viewOf(app, request, reply), {
          slug: survey.slug,
          title: survey.title,
          texts: list.texts.map((x) => ({ ...x, questionTitle: titles.get(x.question) ?? x.question })),
          approved: list.approved,
          total: list.total,
          show: q.show,
          after: q.after ?? 0,
          next: list.next,
          done: q.done,
        }),
      );
    },
  );

  app.post(
    '/surveys/:slug/texts/:id',
    {
      schema: {
        hide: true,
        params: SlugParams.extend({ id: TextId }),
        querystring: LangQuery,
        body: z.object({ _csrf: z.string().optional(), approved: z.enum(['0', '1'], { message: 'approved: 1 (freigeben) oder 0 (zurückziehen)' }), show: Show, after: After }),
      },
      preHandler: guard,
    },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const b = request.body;
      const result = await setOpenTextApproval(app.db, survey.id, request.params.id, b.approved === '1', actorOf(request));
      if (!result.found) throw httpError(404, TEXTS[lang].notFound);
      const query = { ...(b.show === 'all' ? {} : { show: b.show }), ...(b.after ? { after: String(b.after) } : {}), done: result.approved ? 'approved' : 'withdrawn' };
      return reply.redirect(`${href(`/admin/surveys/${survey.slug}/texts`, lang, query)}#text-${result.id}`, 303);
    },
  );
};
export default openTextRoutes;
