// The workspace page of a survey's own audience profiles:
//   GET  /admin/surveys/:slug/profiles   roles of the questions, profiles in use, upload form
//   POST /admin/surveys/:slug/profiles   form field `profiles` (JSON text): checked and stored, or
//                                        the page again with one sentence per mistake (422)
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProfileMistake } from '../../../analysis/profiles/check.ts';
import { listAudiences } from '../../../analysis/profiles/index.ts';
import { describeQuestions } from '../../../surveys/roles.ts';
import { profilesPage } from '../../../web/admin/html/profiles.ts';
import { href } from '../../../web/admin/html/layout.ts';
import { mergedCatalogue } from '../../repositories/aggregates.ts';
import { listSurveyProfiles, replaceSurveyProfiles } from '../../repositories/profiles.ts';
import { actorOf, LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { surveyOr404 } from './survey.ts';

async function pageData(app: FastifyInstance, survey: { id: number; slug: string; title: string }, text?: string) {
  const [catalogue, own] = await Promise.all([mergedCatalogue(app.db, survey.id), listSurveyProfiles(app.db, survey.id)]);
  const mine = new Set(own.map((p) => p.audience));
  return {
    slug: survey.slug,
    title: survey.title,
    questions: describeQuestions(catalogue).map((i) => ({ name: i.question.name, type: i.question.type, role: i.role, source: i.source })),
    audiences: listAudiences().map((audience) => ({ audience, own: mine.has(audience) })),
    text: text ?? `${JSON.stringify({ profiles: own }, null, 2)}\n`,
  };
}

const profileRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);

  app.get(
    '/surveys/:slug/profiles',
    { schema: { hide: true, params: SlugParams, querystring: LangQuery.extend({ saved: z.enum(['1']).optional() }) }, preHandler: guard },
    async (request, reply) => {
      const survey = await surveyOr404(app, request.params.slug, langOfRequest(request));
      return sendHtml(reply, profilesPage(viewOf(app, request, reply), { ...(await pageData(app, survey)), saved: request.query.saved === '1' }));
    },
  );

  app.post(
    '/surveys/:slug/profiles',
    { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: z.object({ _csrf: z.string().optional(), profiles: z.string().max(1_000_000) }) }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const text = request.body.profiles;
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch (err) {
        const mistakes: ProfileMistake[] = [{ path: '', message: `Der Text ist kein gültiges JSON: ${(err as Error).message}` }];
        return sendHtml(reply, profilesPage(viewOf(app, request, reply), { ...(await pageData(app, survey, text)), mistakes }), 422);
      }
      const checked = await replaceSurveyProfiles(app.db, survey.id, input, actorOf(request));
      if (checked.ok) return reply.redirect(href(`/admin/surveys/${survey.slug}/profiles`, lang, { saved: '1' }), 303);
      return sendHtml(reply, profilesPage(viewOf(app, request, reply), { ...(await pageData(app, survey, text)), mistakes: checked.mistakes }), 422);
    },
  );
};
export default profileRoutes;
