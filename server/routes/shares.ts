// Researcher routes for report share links: list, create (the key is shown once), revoke.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudiences } from '../../analysis/profiles/index.ts';
import { httpError } from '../errors.ts';
import { RowId, surveyOr404 } from './common.ts';
import { listReleases, publishRelease, readyToRelease, releaseGrowth, smallGrowth } from '../repositories/releases.ts';
import { createShare, listShares, revokeShare, shareUrl } from '../repositories/shares.ts';
import { SLUG_PATTERN } from '../repositories/surveys.ts';

const Message = z.object({ message: z.string() });
const SlugParams = z.object({ slug: z.string().regex(SLUG_PATTERN) });
const ShareOut = z.object({
  id: z.number(),
  audience: z.string(),
  label: z.string().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  createdAt: z.date(),
  state: z.enum(['active', 'expired', 'revoked']),
});
export const ShareInputSchema = z.object({
  audience: z.string().refine((a) => listAudiences().includes(a), { message: `Zielgruppe unbekannt; bekannt sind: ${listAudiences().join(', ')}` }),
  label: z.string().trim().max(200).optional(),
  expiresAt: z.coerce.date().refine((d) => d.getTime() > Date.now(), { message: 'Das Ablaufdatum muss in der Zukunft liegen' }).optional(),
});

const ReleaseOut = z.object({
  id: z.number(),
  publishedAt: z.date(),
  actor: z.string(),
  reason: z.enum(['manual', 'auto', 'first-read']),
  responses: z.number(),
  erased: z.number(),
});
const release = ({ id, publishedAt, actor, reason, responses, erased }: z.infer<typeof ReleaseOut>) => ({ id, publishedAt, actor, reason, responses, erased });
const Growth = z.object({ segment: z.string(), linkLabel: z.string().nullable(), released: z.number(), live: z.number() });

const sharesRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };

  app.get(
    '/api/v1/surveys/:slug/shares',
    { ...researcher, schema: { tags: ['shares'], summary: 'Freigabelinks eines Berichts (ohne Schlüssel)', params: SlugParams, response: { 200: z.object({ shares: z.array(ShareOut) }), 401: Message, 403: Message, 404: Message } } },
    async (request) => ({ shares: await listShares(app.db, (await surveyOr404(app.db, request.params.slug)).id) }),
  );

  app.post(
    '/api/v1/surveys/:slug/shares',
    {
      ...researcher,
      schema: {
        tags: ['shares'],
        summary: 'Freigabelink anlegen: der Schlüssel steht nur in dieser Antwort',
        params: SlugParams,
        body: ShareInputSchema,
        response: { 201: ShareOut.extend({ key: z.string(), url: z.string() }), 400: Message, 401: Message, 403: Message, 404: Message },
      },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const share = await createShare(app.db, { surveyId: survey.id, ...request.body }, `token:${request.actor?.id}`);
      return reply.code(201).send({ ...share, url: shareUrl(app.config.publicUrl, survey.slug, share.audience, share.key) });
    },
  );

  // Releases: what share keys see (repositories/releases.ts). Researchers read live figures.
  app.get(
    '/api/v1/surveys/:slug/releases',
    {
      ...researcher,
      schema: {
        tags: ['shares'],
        summary: 'Veröffentlichte Stände der geteilten Berichte (neuester zuerst) und was seitdem je Gruppe hinzukam',
        params: SlugParams,
        response: { 200: z.object({ releases: z.array(ReleaseOut), groups: z.array(Growth), autoReleaseDue: z.boolean() }), 401: Message, 403: Message, 404: Message },
      },
    },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const [releases, groups] = await Promise.all([listReleases(app.db, survey.id), releaseGrowth(app.db, survey.id)]);
      return { releases: releases.map(release), groups, autoReleaseDue: releases.length > 0 && readyToRelease(groups, app.config.minGroupSize) };
    },
  );

  app.post(
    '/api/v1/surveys/:slug/releases',
    {
      ...researcher,
      schema: {
        tags: ['shares'],
        summary: 'Neuen Stand veröffentlichen: alle Freigabelinks zeigen ab jetzt die aktuellen Zahlen',
        params: SlugParams,
        response: { 201: ReleaseOut.extend({ smallGroups: z.array(Growth.extend({ added: z.number() })) }), 401: Message, 403: Message, 404: Message },
      },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      // published anyway (the researcher decides), but said: these groups grew by fewer than k
      const small = smallGrowth(await releaseGrowth(app.db, survey.id), app.config.minGroupSize);
      const published = await publishRelease(app.db, survey.id, `token:${request.actor?.id}`, 'manual');
      return reply.code(201).send({ ...release(published), smallGroups: small });
    },
  );

  app.delete(
    '/api/v1/surveys/:slug/shares/:id',
    { ...researcher, schema: { tags: ['shares'], params: SlugParams.extend({ id: RowId }), response: { 204: z.null(), 401: Message, 403: Message, 404: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      if (!(await revokeShare(app.db, survey.id, request.params.id, `token:${request.actor?.id}`))) throw httpError(404, 'Freigabelink nicht gefunden oder schon widerrufen');
      return reply.code(204).send(null);
    },
  );
};
export default sharesRoutes;
