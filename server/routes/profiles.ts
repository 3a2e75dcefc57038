// Per-survey audience profiles through the API:
//   GET /api/v1/surveys/:slug/profiles   the survey's own profiles (none: the built-in ones apply)
//   PUT /api/v1/surveys/:slug/profiles   { profiles: [...] } replaces them (an empty list removes
//                                        them); 422 { message, mistakes: [{ path, message }] }
//                                        with one German sentence per mistake, storing nothing
// The reports (API, pages, `befund analyze`) use a survey's own profile for its audience.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listSurveyProfiles, replaceSurveyProfiles } from '../repositories/profiles.ts';
import { SLUG_PATTERN } from '../repositories/surveys.ts';
import { surveyOr404 } from './common.ts';

const Message = z.object({ message: z.string() });
const Profiles = z.object({ profiles: z.array(z.record(z.string(), z.unknown())) });
const Mistakes = z.object({ message: z.string(), mistakes: z.array(z.object({ path: z.string(), message: z.string() })) });
const Params = z.object({ slug: z.string().regex(SLUG_PATTERN) });

const profilesRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };

  app.get(
    '/api/v1/surveys/:slug/profiles',
    { ...researcher, schema: { tags: ['reports'], params: Params, response: { 200: Profiles, 401: Message, 403: Message, 404: Message } } },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return { profiles: (await listSurveyProfiles(app.db, survey.id)) as unknown as Record<string, unknown>[] };
    },
  );

  app.put(
    '/api/v1/surveys/:slug/profiles',
    {
      ...researcher,
      schema: {
        tags: ['reports'],
        params: Params,
        body: z.object({ profiles: z.array(z.unknown()).max(20, 'höchstens 20 Profile') }),
        response: { 200: Profiles, 400: Message, 401: Message, 403: Message, 404: Message, 422: Mistakes },
      },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const checked = await replaceSurveyProfiles(app.db, survey.id, request.body, `token:${request.actor?.id}`);
      if (!checked.ok) {
        const n = checked.mistakes.length;
        return reply.code(422).send({ message: `Die Profile wurden nicht gespeichert: ${n === 1 ? 'ein Fehler' : `${n} Fehler`}.`, mistakes: checked.mistakes });
      }
      return { profiles: checked.profiles as unknown as Record<string, unknown>[] };
    },
  );
};

export default profilesRoutes;
