// Approving open texts for shared reports, through the API (researcher token):
//   GET /api/v1/surveys/:slug/open-texts[?approved=true|false][&after=ID][&limit=N]
//       the survey's open texts in arrival order, each with its approval, `next` for the next page
//   PUT /api/v1/surveys/:slug/open-texts/:id   { approved: true|false }
//       approves or withdraws one; a change is audited (open_text.approve / open_text.withdraw)
// Share-key readers see approved texts only; researchers see all (repositories/open-texts.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { httpError } from '../errors.ts';
import { listOpenTexts, setOpenTextApproval } from '../repositories/open-texts.ts';
import { SLUG_PATTERN } from '../repositories/surveys.ts';
import { surveyOr404 } from './common.ts';

const Message = z.object({ message: z.string() });
const Params = z.object({ slug: z.string().regex(SLUG_PATTERN) });
/** open_texts.id is a bigserial; anything beyond a safe integer is bad input, not a database error. */
const TextId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Entry = z.object({
  id: z.number(),
  question: z.string(),
  variable: z.string(),
  segment: z.string(),
  linkLabel: z.string().nullable(),
  text: z.string(),
  approved: z.boolean(),
});

const openTextRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };

  app.get(
    '/api/v1/surveys/:slug/open-texts',
    {
      ...researcher,
      schema: {
        tags: ['reports'],
        summary: 'Offene Antworten einer Umfrage mit ihrer Freigabe für geteilte Berichte',
        params: Params,
        querystring: z.object({
          approved: z.enum(['true', 'false'], { message: 'approved: true oder false' }).optional(),
          after: TextId.optional(),
          limit: z.coerce.number().int().min(1, 'limit: mindestens 1').max(1000, 'limit: höchstens 1000').default(200),
        }),
        response: {
          200: z.object({ texts: z.array(Entry), next: z.number().nullable(), approved: z.number(), total: z.number() }),
          400: Message,
          401: Message,
          403: Message,
          404: Message,
        },
      },
    },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const q = request.query;
      return listOpenTexts(app.db, survey.id, { after: q.after, limit: q.limit, approved: q.approved === undefined ? undefined : q.approved === 'true' });
    },
  );

  app.put(
    '/api/v1/surveys/:slug/open-texts/:id',
    {
      ...researcher,
      schema: {
        tags: ['reports'],
        summary: 'Eine offene Antwort für geteilte Berichte freigeben (approved: true) oder die Freigabe zurückziehen (false)',
        params: Params.extend({ id: TextId }),
        body: z.object({ approved: z.boolean({ message: 'approved: true (freigeben) oder false (zurückziehen)' }) }).strict(),
        response: { 200: z.object({ id: z.number(), approved: z.boolean(), changed: z.boolean() }), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const result = await setOpenTextApproval(app.db, survey.id, request.params.id, request.body.approved, `token:${request.actor?.id}`);
      if (!result.found) throw httpError(404, `Die offene Antwort ${request.params.id} gibt es in dieser Umfrage nicht`);
      return { id: result.id, approved: result.approved, changed: result.changed };
    },
  );
};

export default openTextRoutes;
