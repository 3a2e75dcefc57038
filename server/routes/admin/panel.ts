// Workspace page of the partner panel (researchers' session only): rates, warnings and the list.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { panelPage } from '../../../web/admin/html/panel.ts';
import { responseRates } from '../../repositories/panel-rates.ts';
import { listParticipants } from '../../repositories/participants.ts';
import { actorOf, LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { surveyOr404 } from './survey.ts';

const panelRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/surveys/:slug/panel', { schema: { hide: true, params: SlugParams, querystring: LangQuery }, preHandler: requireSession(app) }, async (request, reply) => {
    const survey = await surveyOr404(app, request.params.slug, langOfRequest(request));
    const [rates, people] = [await responseRates(app.db, survey.id, app.config.minGroupSize), await listParticipants(app.db, survey.id, actorOf(request))];
    return sendHtml(reply, panelPage(viewOf(app, request, reply), survey.slug, survey.anonymous, rates, people));
  });
};
export default panelRoutes;
