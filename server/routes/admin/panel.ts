// Workspace page of the partner panel (researchers' session only): rates, warnings, mail rounds
// and the list, with forms to import a list, add, edit and remove a person, and send or schedule
// invitations and reminders. Thin: each form calls the API's own logic (routes/participants.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { href } from '../../../web/admin/html/layout.ts';
import { importNotice, type PanelData, panelPage } from '../../../web/admin/html/panel.ts';
import { httpError } from '../../errors.ts';
import { listRounds } from '../../mail/rounds.ts';
import { responseRates } from '../../repositories/panel-rates.ts';
import { knownSegments, listParticipants } from '../../repositories/participants.ts';
import { RowId } from '../common.ts';
import { addOne, cancelFor, Input, importListFile, RoundInput, removeOne, scheduleFor, updateOne } from '../participants.ts';
import { actorOf, blank, LangQuery, langOfRequest, requireSession, SlugParams, sendHtml, viewOf } from './common.ts';
import { surveyOr404 } from './survey.ts';

const Csrf = { _csrf: z.string().optional() };
const IdParams = SlugParams.extend({ id: z.uuid() });
const RoundParams = SlugParams.extend({ id: RowId });
const PersonForm = z.object({
  ...Csrf,
  email: z.string().trim(),
  name: z.string().optional(),
  organisation: z.string().optional(),
  segment: z.string(),
  label: z.string().optional(),
  language: z.enum(['de', 'en']).default('de'),
});
const ImportForm = z.object({ ...Csrf, file: z.string().max(40_000_000).optional(), fileName: z.string().max(300).optional(), csv: z.string().max(20_000_000).optional(), validRows: z.string().optional() });
const RoundForm = z.object({ ...Csrf, kind: z.enum(['invitation', 'reminder']), at: blank(z.string().max(40)), closes: blank(z.string().max(40)) });

/** A form's person: empty fields are "not given", then the API's own schema decides. */
function personInput(body: z.infer<typeof PersonForm>) {
  const orNull = (v: string | undefined) => (v?.trim() ? v.trim() : null);
  const parsed = Input.safeParse({ email: body.email, name: orNull(body.name), organisation: orNull(body.organisation), segment: body.segment, label: orNull(body.label), language: body.language });
  if (!parsed.success) throw httpError(422, parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

async function pageData(app: FastifyInstance, request: FastifyRequest, survey: { id: number; slug: string; anonymous: boolean }, extra: Partial<PanelData> = {}): Promise<PanelData> {
  const rates = await responseRates(app.db, survey.id, app.config.minGroupSize);
  const people = await listParticipants(app.db, survey.id, actorOf(request));
  const rounds = await listRounds(app.db, survey.id);
  const segments = [...(await knownSegments(app.db, survey.id))].sort();
  return { slug: survey.slug, anonymous: survey.anonymous, rates, people, rounds, segments, smtp: Boolean(app.config.mail.smtpUrl && app.config.mail.from), ...extra };
}

const DONE: Record<string, { de: string; en: string }> = {
  added: { de: 'Die Person steht jetzt auf der Liste.', en: 'The person is now on the list.' },
  saved: { de: 'Die Änderungen sind gespeichert.', en: 'The changes are saved.' },
  removed: { de: 'Die Person und ihre Teilnahme-Angabe sind gelöscht.', en: 'The person and their participation record are deleted.' },
  scheduled: { de: 'Die Runde ist geplant; der Server sendet sie zum gewählten Zeitpunkt (ohne Zeitpunkt: in wenigen Sekunden).', en: 'The round is scheduled; the server sends it at the chosen time (without one: within seconds).' },
  cancelled: { de: 'Die Runde ist abgesagt.', en: 'The round is cancelled.' },
};

const panelRoutes: FastifyPluginAsyncZod = async (app) => {
  const guard = requireSession(app);
  const back = (reply: FastifyReply, slug: string, lang: 'de' | 'en', done: string, anchor: string) => reply.redirect(`${href(`/admin/surveys/${slug}/panel`, lang, { done })}${anchor}`, 303);

  app.get(
    '/surveys/:slug/panel',
    { schema: { hide: true, params: SlugParams, querystring: LangQuery.extend({ edit: z.string().optional(), done: z.string().optional() }) }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const data = await pageData(app, request, survey);
      const edit = data.people.find((p) => p.id === request.query.edit);
      const done = request.query.done ? DONE[request.query.done] : undefined;
      return sendHtml(reply, panelPage(viewOf(app, request, reply), { ...data, edit, notice: done ? { kind: 'ok', html: done[lang] } : undefined }));
    },
  );

  app.post(
    '/surveys/:slug/panel/import',
    { bodyLimit: 60 * 1024 * 1024, schema: { hide: true, params: SlugParams, querystring: LangQuery, body: ImportForm }, preHandler: guard },
    async (request, reply) => {
      const lang = langOfRequest(request);
      const survey = await surveyOr404(app, request.params.slug, lang);
      const b = request.body;
      const bytes = b.file ? Buffer.from(b.file, 'base64') : Buffer.from(b.csv ?? '', 'utf8');
      if (!bytes.length) throw httpError(422, lang === 'en' ? 'Choose a file or paste the list.' : 'Wählen Sie eine Datei oder fügen Sie die Liste ein.');
      const result = await importListFile(app, survey.id, bytes, b.validRows !== undefined, actorOf(request));
      const data = await pageData(app, request, survey, { notice: importNotice(lang, result), csv: result.ok ? undefined : b.csv });
      return sendHtml(reply, panelPage(viewOf(app, request, reply), data), result.ok ? 200 : 422);
    },
  );

  app.post('/surveys/:slug/panel/participants', { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: PersonForm }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    await addOne(app, survey.id, personInput(request.body), actorOf(request));
    return back(reply, survey.slug, lang, 'added', '#bf-add');
  });

  app.post('/surveys/:slug/panel/participants/:id', { schema: { hide: true, params: IdParams, querystring: LangQuery, body: PersonForm }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    await updateOne(app, survey.id, request.params.id, personInput(request.body), actorOf(request));
    return back(reply, survey.slug, lang, 'saved', '');
  });

  app.post('/surveys/:slug/panel/participants/:id/remove', { schema: { hide: true, params: IdParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    await removeOne(app, survey.id, request.params.id, actorOf(request));
    return back(reply, survey.slug, lang, 'removed', '');
  });

  app.post('/surveys/:slug/panel/rounds', { schema: { hide: true, params: SlugParams, querystring: LangQuery, body: RoundForm }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    const parsed = RoundInput.safeParse({ kind: request.body.kind, at: request.body.at, closes: request.body.closes ? `${request.body.closes.slice(0, 10)}T23:59` : undefined });
    if (!parsed.success) throw httpError(422, parsed.error.issues.map((i) => i.message).join('; '));
    await scheduleFor(app, survey.id, parsed.data, actorOf(request));
    return back(reply, survey.slug, lang, 'scheduled', '#bf-mail');
  });

  app.post('/surveys/:slug/panel/rounds/:id/cancel', { schema: { hide: true, params: RoundParams, querystring: LangQuery, body: z.object(Csrf) }, preHandler: guard }, async (request, reply) => {
    const lang = langOfRequest(request);
    const survey = await surveyOr404(app, request.params.slug, lang);
    await cancelFor(app, survey.id, request.params.id, actorOf(request));
    return back(reply, survey.slug, lang, 'cancelled', '#bf-mail');
  });
};
export default panelRoutes;
