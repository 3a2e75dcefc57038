// Partner panel API (researchers only; share-key readers see none of it): the participant list,
// import, export, erase and purge, response rates, the mail-merge CSV, and the respondent's
// opt-out page behind every personal link.
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderMessagePage } from '../../web/pages/respondent.ts';
import { mergeCsv } from '../commands/invite.ts';
import { exportCsv, readList } from '../commands/participants.ts';
import { httpError } from '../errors.ts';
import { cancelRound, listRounds, RoundRefused, scheduleRound } from '../mail/rounds.ts';
import { dueParticipants, personalUrls } from '../mail/send.ts';
import { responseRates } from '../repositories/panel-rates.ts';
import {
  addParticipant,
  eraseParticipantById,
  importParticipants,
  knownSegments,
  listParticipants,
  optOut,
  purgeParticipants,
  resolvePersonalToken,
  tokenKey,
  updateParticipant,
} from '../repositories/participants.ts';
import { SLUG_PATTERN } from '../repositories/surveys.ts';
import { RowId, surveyOr404 } from './common.ts';

const Message = z.object({ message: z.string() });
const SlugParams = z.object({ slug: z.string().regex(SLUG_PATTERN) });
const IdParams = SlugParams.extend({ id: z.uuid() });
const Line = z.object({ line: z.number(), message: z.string(), en: z.string() });
const Participant = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  organisation: z.string().nullable(),
  segment: z.string(),
  label: z.string().nullable(),
  language: z.enum(['de', 'en']),
  optedOut: z.boolean(),
  progress: z.enum(['none', 'opened', 'partial', 'complete']),
  completedOn: z.string().nullable(),
  invitation: z.string(),
  remindersSent: z.number(),
  lastMailError: z.string().nullable(),
});
/** Text the database takes: no NUL character (PostgreSQL refuses it in text). */
const Text = (field: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${field}: höchstens ${max} Zeichen`)
    .refine((v) => !v.includes('\u0000'), `${field}: enthält ein unzulässiges Steuerzeichen`);
export const Input = z.object({
  email: z.email({ message: 'email: keine gültige E-Mail-Adresse' }).max(254),
  name: Text('name', 200).nullable().optional(),
  organisation: Text('organisation', 300).nullable().optional(),
  segment: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'segment: Kleinbuchstaben, Ziffern und _, z. B. intermediary, sme, works_council'),
  label: Text('label', 200).nullable().optional(),
  language: z.enum(['de', 'en']).default('de'),
});
const Patch = Input.extend({ language: z.enum(['de', 'en']) })
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'Nichts zu ändern: senden Sie email, name, organisation, segment, label oder language.');
const RateRow = z.object({ segment: z.string(), label: z.string().nullable(), participants: z.number(), invited: z.number(), bounced: z.number(), opened: z.number(), partial: z.number(), complete: z.number(), optedOut: z.number(), rate: z.number() });

const Round = z.object({
  id: z.number(),
  kind: z.enum(['invitation', 'reminder']),
  round: z.number().nullable(),
  dueAt: z.string(),
  closes: z.string().nullable(),
  state: z.enum(['scheduled', 'running', 'done', 'cancelled']),
  result: z.record(z.string(), z.unknown()).nullable(),
});
const roundView = (r: Awaited<ReturnType<typeof listRounds>>[number]) => ({
  id: r.id,
  kind: r.kind,
  round: r.round,
  dueAt: r.dueAt.toISOString(),
  closes: r.closes?.toISOString() ?? null,
  state: r.state,
  result: (r.result as Record<string, unknown> | null) ?? null,
});
const When = (field: string) => z.iso.datetime({ offset: true, local: true, message: `${field}: ein Zeitpunkt wie 2027-01-15T09:00` });
export const RoundInput = z.object({
  kind: z.enum(['invitation', 'reminder'], { message: 'kind: invitation oder reminder' }),
  at: When('at').optional(),
  closes: When('closes').nullable().optional(),
});

async function checkSegment(app: FastifyInstance, surveyId: number, segment: string) {
  const known = await knownSegments(app.db, surveyId);
  if (!known.has(segment)) throw httpError(422, `segment: „${segment}“ ist unbekannt; bekannt sind ${[...known].join(', ')}.`);
}

/**
 * Imports a list file (CSV or XLSX bytes): nothing while a line is refused, unless `validRows`
 * (and the header is readable). Shared by the API and the workspace form.
 */
export async function importListFile(app: FastifyInstance, surveyId: number, bytes: Uint8Array, validRows: boolean, actor: string) {
  const list = await readList(bytes, await knownSegments(app.db, surveyId));
  const refused = [...list.errors, ...list.duplicates].sort((a, b) => a.line - b.line);
  if (refused.length && (!validRows || list.errors.some((e) => e.line === 1)))
    return { ok: false as const, message: `Nichts importiert: ${refused.length} Zeile(n) sind fehlerhaft (${refused[0].message} …). Korrigieren Sie die Datei oder wählen Sie „nur gültige Zeilen importieren“.`, errors: refused };
  const result = await importParticipants(app.db, surveyId, list.rows, actor);
  return { ok: true as const, ...result, refused, encoding: list.encoding };
}

/** Adds one person (API and workspace): 422 for an unknown segment, 409 for an address already listed. */
export async function addOne(app: FastifyInstance, surveyId: number, input: z.infer<typeof Input>, actor: string): Promise<string> {
  await checkSegment(app, surveyId, input.segment);
  const id = await addParticipant(app.db, surveyId, input, actor);
  if (!id) throw httpError(409, `email: ${input.email} steht schon auf der Liste.`);
  return id;
}

/** Changes one person (API and workspace): 404, 409 or 422 with a sentence. */
export async function updateOne(app: FastifyInstance, surveyId: number, id: string, patch: Partial<z.infer<typeof Input>>, actor: string): Promise<void> {
  if (patch.segment) await checkSegment(app, surveyId, patch.segment);
  const outcome = await updateParticipant(app.db, surveyId, id, patch, actor);
  if (outcome === 'not_found') throw httpError(404, 'Diese Person steht nicht auf der Liste.');
  if (outcome === 'duplicate') throw httpError(409, `email: ${patch.email} steht schon auf der Liste.`);
}

/** Removes one person with their participation record (API and workspace). */
export async function removeOne(app: FastifyInstance, surveyId: number, id: string, actor: string): Promise<void> {
  if (!(await eraseParticipantById(app.db, surveyId, id, actor))) throw httpError(404, 'Diese Person steht nicht auf der Liste.');
}

/** Cancels a scheduled round (API and workspace): 404 or 409 with a sentence. */
export async function cancelFor(app: FastifyInstance, surveyId: number, id: number, actor: string): Promise<void> {
  const outcome = await cancelRound(app.db, surveyId, id, actor);
  if (outcome === 'not_found') throw httpError(404, 'Diese Mail-Runde gibt es nicht.');
  if (outcome === 'not_scheduled') throw httpError(409, 'Diese Mail-Runde ist nicht mehr geplant (sie läuft, ist gesendet oder abgesagt) und kann nicht abgesagt werden.');
}

/** Schedules a mail round for the running server to send (shared by the API and the workspace form). */
export async function scheduleFor(app: FastifyInstance, surveyId: number, body: z.infer<typeof RoundInput>, actor: string) {
  const dueAt = body.at ? new Date(body.at) : new Date();
  try {
    return await scheduleRound(app.db, app.config.mail, surveyId, { kind: body.kind, dueAt, closes: body.closes ? new Date(body.closes) : null }, actor);
  } catch (err) {
    if (err instanceof RoundRefused) throw httpError(err.status, err.message);
    throw err;
  }
}

const participantsRoutes: FastifyPluginAsyncZod = async (app) => {
  const researcher = { preHandler: app.requireRole('researcher') };
  const actor = (request: { actor?: { id: number } }) => `token:${request.actor?.id}`;

  app.get(
    '/api/v1/surveys/:slug/participants',
    { ...researcher, schema: { tags: ['panel'], summary: 'Teilnehmerliste (personenbezogen; jeder Abruf wird protokolliert); ?format=csv exportiert sie', params: SlugParams, querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }), response: { 200: z.object({ participants: z.array(Participant) }).or(z.string()), 401: Message, 403: Message, 404: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const rows = await listParticipants(app.db, survey.id, actor(request));
      reply.header('cache-control', 'no-store');
      if (request.query.format === 'csv')
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${survey.slug}-teilnehmende.csv"`).send(exportCsv(rows));
      return { participants: rows };
    },
  );

  app.post(
    '/api/v1/surveys/:slug/participants/import',
    {
      ...researcher,
      bodyLimit: 30 * 1024 * 1024,
      schema: {
        tags: ['panel'],
        summary: 'Teilnehmerliste importieren (CSV oder XLSX, base64): nichts wird importiert, solange eine Zeile fehlerhaft ist, außer mit validRows',
        params: SlugParams,
        body: z.object({ file: z.base64({ message: 'file: die Datei als base64' }).max(40_000_000), validRows: z.boolean().default(false) }),
        response: { 200: z.object({ added: z.number(), existing: z.number(), refused: z.array(Line), encoding: z.string().optional() }), 401: Message, 403: Message, 404: Message, 422: Message.extend({ errors: z.array(Line) }) },
      },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const result = await importListFile(app, survey.id, Buffer.from(request.body.file, 'base64'), request.body.validRows, actor(request));
      if (!result.ok) return reply.code(422).send({ message: result.message, errors: result.errors });
      return { added: result.added, existing: result.existing, refused: result.refused, encoding: result.encoding };
    },
  );

  app.post(
    '/api/v1/surveys/:slug/participants',
    { ...researcher, schema: { tags: ['panel'], summary: 'Eine Person hinzufügen', params: SlugParams, body: Input, response: { 201: z.object({ id: z.string() }), 400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return reply.code(201).send({ id: await addOne(app, survey.id, request.body, actor(request)) });
    },
  );

  app.patch(
    '/api/v1/surveys/:slug/participants/:id',
    { ...researcher, schema: { tags: ['panel'], summary: 'Kontaktdaten, Segment oder Label einer Person ändern', params: IdParams, body: Patch, response: { 204: z.null(), 400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      await updateOne(app, survey.id, request.params.id, request.body, actor(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/surveys/:slug/participants/:id',
    { ...researcher, schema: { tags: ['panel'], summary: 'Eine Person mit ihrer Teilnahme-Angabe löschen (ihre Antwort bleibt, sie nennt niemanden)', params: IdParams, response: { 204: z.null(), 401: Message, 403: Message, 404: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      await removeOne(app, survey.id, request.params.id, actor(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/surveys/:slug/participants',
    { ...researcher, schema: { tags: ['panel'], summary: 'Die ganze Liste nach der Feldphase löschen', params: SlugParams, querystring: z.object({ confirm: z.literal('yes', { message: 'confirm=yes bestätigt das Löschen der ganzen Liste' }) }), response: { 200: z.object({ purged: z.number() }), 400: Message, 401: Message, 403: Message, 404: Message } } },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return { purged: await purgeParticipants(app.db, survey.id, actor(request)) };
    },
  );

  app.get(
    '/api/v1/surveys/:slug/participants/rates',
    { ...researcher, schema: { tags: ['panel'], summary: 'Rücklauf je Segment und Label, vollständige Antworten je Tag', params: SlugParams, response: { 200: z.object({ bySegment: z.array(RateRow.extend({ warning: z.string().nullable() })), byLabel: z.array(RateRow), byDay: z.array(z.object({ day: z.string(), segment: z.string(), complete: z.number() })), minGroupSize: z.number() }), 401: Message, 403: Message, 404: Message } } },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return responseRates(app.db, survey.id, app.config.minGroupSize);
    },
  );

  app.get(
    '/api/v1/surveys/:slug/participants/mail-merge.csv',
    { ...researcher, schema: { tags: ['panel'], summary: 'CSV für einen Serienbrief (ohne SMTP): wer die Einladung oder Erinnerung bekäme, mit persönlichem Link', params: SlugParams, querystring: z.object({ kind: z.enum(['invitation', 'reminder']).default('invitation'), round: z.coerce.number().int().min(1).max(10).default(1) }), response: { 200: z.string(), 401: Message, 403: Message, 404: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      const due = await dueParticipants(app.db, { surveyId: survey.id, kind: request.query.kind, round: request.query.round });
      const key = await tokenKey(app.db);
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${survey.slug}-serienbrief.csv"`)
        .send(mergeCsv(due.map((p) => ({ ...p, ...personalUrls(app.config.publicUrl, key, p.id) }))));
    },
  );

  app.get(
    '/api/v1/surveys/:slug/mail-rounds',
    { ...researcher, schema: { tags: ['panel'], summary: 'Geplante, laufende und gesendete Mail-Runden (Einladungen, Erinnerungen), neueste zuerst', params: SlugParams, response: { 200: z.object({ rounds: z.array(Round), smtp: z.boolean() }), 401: Message, 403: Message, 404: Message } } },
    async (request) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return { rounds: (await listRounds(app.db, survey.id)).map(roundView), smtp: Boolean(app.config.mail.smtpUrl && app.config.mail.from) };
    },
  );

  app.post(
    '/api/v1/surveys/:slug/mail-rounds',
    {
      ...researcher,
      schema: {
        tags: ['panel'],
        summary: 'Eine Einladungs- oder Erinnerungsrunde planen: der laufende Server sendet sie zum Zeitpunkt at (ohne at: sofort), mit Ratenbegrenzung und höchstens einmal je Person',
        params: SlugParams,
        body: RoundInput,
        response: { 201: Round, 400: Message, 401: Message, 403: Message, 404: Message, 409: Message },
      },
    },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      return reply.code(201).send(roundView(await scheduleFor(app, survey.id, request.body, actor(request))));
    },
  );

  app.delete(
    '/api/v1/surveys/:slug/mail-rounds/:id',
    { ...researcher, schema: { tags: ['panel'], summary: 'Eine geplante Mail-Runde absagen (eine laufende oder gesendete nicht)', params: SlugParams.extend({ id: RowId }), response: { 204: z.null(), 401: Message, 403: Message, 404: Message, 409: Message } } },
    async (request, reply) => {
      const survey = await surveyOr404(app.db, request.params.slug);
      await cancelFor(app, survey.id, request.params.id, actor(request));
      return reply.code(204).send(null);
    },
  );

  // The opt-out behind every mail: a page with a button (a GET changes nothing, since mail
  // scanners open links), and the POST that List-Unsubscribe-Post (RFC 8058) sends too.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));
  const TokenParams = z.object({ token: z.string().min(1).max(100) });
  const Lang = z.object({ lang: z.string().optional() });
  app.get('/o/:token', { schema: { hide: true, params: TokenParams, querystring: Lang } }, async (request, reply) => {
    const personal = await resolvePersonalToken(app.db, request.params.token);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!personal) return reply.code(404).send(renderMessagePage({ title: 'Link ungültig', message: 'Dieser Link ist ungültig.', lang: request.query.lang, status: 404 }));
    const form = `<form method="post"><button type="submit">Keine weiteren E-Mails zu dieser Befragung / No more e-mails about this survey</button></form>`;
    return renderMessagePage({ title: 'Abmelden', message: 'Möchten Sie sich von dieser Befragung abmelden? Sie erhalten dann keine Erinnerungen mehr, und Ihr Link nimmt keine Antwort mehr an.', lang: request.query.lang, status: 200 }).replace('</main>', `${form}</main>`);
  });
  app.post('/o/:token', { schema: { hide: true, params: TokenParams, querystring: Lang } }, async (request, reply) => {
    const done = await optOut(app.db, request.params.token);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    if (!done) return reply.code(404).send(renderMessagePage({ title: 'Link ungültig', message: 'Dieser Link ist ungültig.', lang: request.query.lang, status: 404 }));
    return renderMessagePage({ title: 'Abgemeldet', message: 'Sie sind abgemeldet und erhalten keine weiteren E-Mails zu dieser Befragung. / You have opted out.', lang: request.query.lang, status: 200 });
  });
};
export default participantsRoutes;
