// One survey in the workspace: the page, the live counter's JSON and the QR code of a link.
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { listAudiences } from '../../../analysis/profiles/index.ts';
import { escapeHtml, type Notice } from '../../../web/admin/html/layout.ts';
import { type SurveyPageData, surveyPage } from '../../../web/admin/html/survey.ts';
import { type Lang, TEXTS } from '../../../web/admin/html/texts.ts';
import type { UploadResult } from '../../../web/admin/html/upload.ts';
import { httpError } from '../../errors.ts';
import { linkState, listLinks } from '../../repositories/links.ts';
import { currentRelease, releaseGrowth, smallGrowth } from '../../repositories/releases.ts';
import { listShares } from '../../repositories/shares.ts';
import { codingWarnings, findSurvey, listVersions } from '../../repositories/surveys.ts';
import { liveCounts } from '../../repositories/workspace.ts';
import { LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { RowId } from '../common.ts';

export const linkUrl = (app: FastifyInstance, token: string) => `${app.config.publicUrl}/s/${token}`;

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}

export async function surveyOr404(app: FastifyInstance, slug: string, lang: Lang) {
  const survey = await findSurvey(app.db, slug);
  if (!survey) throw httpError(404, `${TEXTS[lang].notFound}: ${slug}`);
  return survey;
}

type Survey = NonNullable<Awaited<ReturnType<typeof findSurvey>>>;

/** Everything the survey page shows, read fresh. */
export async function surveyPageData(
  app: FastifyInstance,
  survey: Survey,
  extras: { notice?: Notice; upload?: UploadResult; newShareUrl?: string } = {},
): Promise<SurveyPageData> {
  const [versions, links, shares, counts, release, growth] = await Promise.all([
    listVersions(app.db, survey.id),
    listLinks(app.db, survey.id),
    listShares(app.db, survey.id),
    liveCounts(app.db, survey.id),
    currentRelease(app.db, survey.id),
    releaseGrowth(app.db, survey.id),
  ]);
  const sinceRelease = growth.reduce((n, g) => n + Math.max(0, g.live - g.released), 0);
  const smallGroups = smallGrowth(growth, app.config.minGroupSize).map((g) => `${g.segment}${g.linkLabel ? ` / ${g.linkLabel}` : ''} (+${g.added})`);
  const now = new Date();
  const rows = await Promise.all(
    links.map(async (l) => {
      const url = linkUrl(app, l.token);
      const state = linkState({ ...l, surveyId: survey.id, createdAt: now }, l.complete, now, survey.archivedAt !== null);
      return { id: l.id, url, segment: l.segment, label: l.label, complete: l.complete, partial: l.partial, state, revoked: l.revokedAt !== null, qrSvg: l.revokedAt ? undefined : await qrSvg(url) };
    }),
  );
  return { slug: survey.slug, title: survey.title, versions, complete: counts.complete, partial: counts.partial, links: rows, shares, audiences: listAudiences(), release, sinceRelease, smallGroups, minGroupSize: app.config.minGroupSize, ...extras };
}

const DONE = { 'link-created': 'linkCreated', 'link-revoked': 'linkRevoked', 'share-revoked': 'shareRevoked' } as const;

const surveyRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);

  app.get(
    '/surveys/:slug',
    {
      schema: {
        hide: true,
        params: SlugParams,
        querystring: LangQuery.extend({ done: z.enum(Object.keys(DONE) as [keyof typeof DONE]).optional(), v: z.coerce.number().int().optional(), same: z.enum(['0', '1']).optional() }),
      },
      preHandler: guard,
    },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const q = request.query;
      const notice: Notice | undefined = q.done ? { kind: 'ok', html: escapeHtml(TEXTS[lang][DONE[q.done]]) } : undefined;
      // a new version whose codes or scale changed says so (the warnings of the import, recomputed)
      const warnings = q.v && q.same !== '1' ? (await codingWarnings(app.db, survey.id, q.v)).map((w) => ({ element: w.element, message: lang === 'en' ? w.en : w.message })) : [];
      const upload: UploadResult | undefined = q.v ? { kind: q.same === '1' ? 'unchanged' : 'created', version: q.v, warnings } : undefined;
      return sendHtml(reply, surveyPage(viewOf(app, request, reply), await surveyPageData(app, survey, { notice, upload })));
    },
  );

  app.get('/surveys/:slug/counts.json', { schema: { hide: true, params: SlugParams }, preHandler: guard }, async (request, reply) => {
    const survey = await surveyOr404(app, request.params.slug, langOfRequest(request));
    reply.header('cache-control', 'no-store');
    return liveCounts(app.db, survey.id);
  });

  app.get(
    '/surveys/:slug/links/:id/qr.svg',
    { schema: { hide: true, params: SlugParams.extend({ id: RowId }) }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const link = (await listLinks(app.db, survey.id)).find((l) => l.id === request.params.id);
      if (!link) throw httpError(404, TEXTS[lang].notFound);
      return reply.type('image/svg+xml').header('cache-control', 'no-store').send(await qrSvg(linkUrl(app, link.token)));
    },
  );
};
export default surveyRoutes;
