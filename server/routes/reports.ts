// GET /api/v1/surveys/:slug/report?audience=A[&segment=…][&label=…]: one audience's report model
// as JSON, for researchers. Aggregation runs in the database; filters are applied by buildReport
// so that small-group protection holds across filtered and unfiltered reports.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudiences, ProfileError } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import { httpError } from '../errors.ts';
import { mergedCatalogue } from '../repositories/aggregates.ts';
import { dataStamp, sharedAggregates } from '../repositories/aggregates-cache.ts';
import { profileFor, surveyAudiences } from '../repositories/profiles.ts';
import { surveyForReport } from '../repositories/report-survey.ts';
import { findSurvey, SLUG_PATTERN } from '../repositories/surveys.ts';

const Message = z.object({ message: z.string() });
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const reportsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/surveys/:slug/report',
    {
      preHandler: app.requireRole('researcher'),
      schema: {
        tags: ['reports'],
        params: z.object({ slug: z.string().regex(SLUG_PATTERN) }),
        querystring: z.object({ audience: z.string().min(1), segment: many, label: many, locale: z.enum(['de', 'en']).default('de') }),
        response: { 200: z.record(z.string(), z.unknown()), 400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message },
      },
    },
    async (request) => {
      const { slug } = request.params;
      const q = request.query;
      if (!listAudiences().includes(q.audience)) throw httpError(400, `Die Zielgruppe "${q.audience}" gibt es nicht; bekannt sind: ${listAudiences().join(', ')}`);
      const survey = await findSurvey(app.db, slug);
      if (!survey) throw httpError(404, `Die Umfrage "${slug}" gibt es nicht`);
      // the survey's own profile for this audience where a researcher uploaded one
      const profile = await profileFor(app.db, survey.id, q.audience);
      // the live figures, shared with the other audiences' reports of the same data stamp
      const stamp = await dataStamp(app, survey.id);
      const [catalogue, data, about, audiences] = await Promise.all([mergedCatalogue(app.db, survey.id), sharedAggregates(app, survey.id, 'live', stamp), surveyForReport(app.db, survey), surveyAudiences(app.db, survey.id)]);
      try {
        const report = buildReport({
          catalogue,
          data,
          profile,
          minGroupSize: app.config.minGroupSize,
          locale: q.locale,
          filters: { segments: q.segment, linkLabels: q.label },
          survey: about,
          audiences,
        });
        return report as unknown as Record<string, unknown>;
      } catch (err) {
        if (err instanceof ReportError) throw httpError(err.status, err.message);
        if (err instanceof ProfileError) throw httpError(422, err.message);
        throw err;
      }
    },
  );
};

export default reportsRoutes;
