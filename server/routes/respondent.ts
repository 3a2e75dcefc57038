// The respondent side: the survey page, link info, and submitting / continuing / erasing one's
// own response. Segment and label always come from the link, never from the client.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderMessagePage, renderRespondentPage } from '../../web/pages/respondent.ts';
import { httpError } from '../errors.ts';
import { findLinkByToken, type LinkState, linkStateById } from '../repositories/links.ts';
import { completeByResumeKey, markCompleted, markOpened, markStarted, type PersonalLink, resolvePersonalToken } from '../repositories/participants.ts';
import { eraseResponse, findOwnResponse, insertThroughLink, storedResponse, updateResponse } from '../repositories/responses.ts';
import type { ValidationResult } from '../../surveys/validate.ts';

const Message = z.object({ message: z.string() });
const Errors = z.object({ errors: z.array(z.object({ question: z.string(), message: z.string() })) });
const Closed = z.object({ message: z.string(), reason: z.enum(['closed', 'full', 'not_open']) });
const Locale = z.enum(['de', 'en']).default('de');
const TokenParams = z.object({ token: z.string().min(1).max(100) });
const IdParams = z.object({ id: z.uuid() });
const ResumeHeader = z.object({ 'x-resume-key': z.string().min(1).max(200) });
const Answer = z.object({ data: z.record(z.string(), z.unknown()), complete: z.boolean().default(false), locale: Locale });

const UNKNOWN_LINK = 'Dieser Link ist ungültig.';
const ALREADY_COMPLETE = 'Diese Antwort wurde bereits abgeschickt und kann nicht mehr geändert werden.';
const OTHER_LINK = 'Diese Antwort wurde über einen anderen Link gegeben und kann hier nicht gespeichert werden.';
const CLOSED_TEXT = {
  closed: 'Diese Befragung ist geschlossen. Vielen Dank für Ihr Interesse.',
  full: 'Diese Befragung hat die vorgesehene Zahl an Antworten erreicht und ist geschlossen.',
  not_open: 'Diese Befragung hat noch nicht begonnen.',
} as const;
/** A personal link (partner panel) that takes no more answers. */
const PERSONAL_DONE = {
  completed: 'Sie haben an dieser Befragung bereits teilgenommen. Vielen Dank!',
  opted_out: 'Sie haben sich von dieser Befragung abgemeldet; dieser Link nimmt keine Antwort mehr an.',
} as const;

const respondent: FastifyPluginAsyncZod = async (app) => {
  /** The link and its state (by the database's clock); 404 for an unknown token, without saying whether it ever existed. */
  async function openLink(token: string) {
    const found = (await findLinkByToken(app.db, token)) ?? (await personalLink(token));
    if (!found) throw httpError(404, UNKNOWN_LINK);
    return found;
  }
  /** A personal link of the partner panel is its collector link (segment and label from the list), closed once used or opted out. */
  async function personalLink(token: string) {
    const personal = await resolvePersonalToken(app.db, token);
    if (!personal) return undefined;
    const found = await findLinkByToken(app.db, personal.linkToken);
    return found && personal.state !== 'open' ? { ...found, state: 'closed' as const } : found;
  }
  const closed = (state: Exclude<LinkState, 'open'>) => ({ message: CLOSED_TEXT[state], reason: state });

  /**
   * A POST whose id is already stored. One rule, whatever the link's state now: through the same
   * link it is a replay and gets 200 (a complete POST for a stored partial save completes it,
   * validated: the partial save's 201 may have been lost); through another link it gets 409.
   * Null when nothing is stored under the id.
   */
  async function replay(id: string, linkId: number, body: { data: Record<string, unknown>; complete: boolean; locale: 'de' | 'en' }, linkOpen: boolean) {
    const prior = await storedResponse(app.db, id);
    if (!prior) return null;
    if (prior.linkId !== linkId) return { code: 409, body: { message: OTHER_LINK } } as const;
    if (prior.status === 'complete' || !body.complete) return { code: 200, body: { id } } as const;
    if (!linkOpen) return null; // a completion is a new answer: the closed link decides
    const v = await app.versions.get(prior.versionId);
    const verdict = v.validator.validate(body.data, { complete: true, locale: body.locale });
    if (!verdict.ok) return { code: 422, body: { errors: verdict.errors } } as const;
    const outcome = await updateResponse(app.db, id, { linkId }, { data: verdict.data, complete: true, locale: body.locale, catalogue: v.catalogue });
    if (outcome === 'full') return { code: 410, body: closed('full') } as const;
    return outcome === 'not_found' ? null : ({ code: 200, body: { id } } as const);
  }

  app.get('/s/:token', { schema: { params: TokenParams, querystring: z.object({ lang: z.string().optional() }) } }, async (request, reply) => {
    const { token } = request.params;
    const lang = request.query.lang;
    const found = await findLinkByToken(app.db, token);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    const personal = found ? undefined : await resolvePersonalToken(app.db, token);
    if (personal && personal.state !== 'open') return reply.code(410).send(renderMessagePage({ title: 'Link bereits verwendet', message: PERSONAL_DONE[personal.state], lang, status: 410 }));
    if (personal) {
      await markOpened(app.db, personal.participantId);
      return renderRespondentPage({ token, lang });
    }
    if (!found) return reply.code(404).send(renderMessagePage({ title: 'Link ungültig', message: UNKNOWN_LINK, lang, status: 404 }));
    const state = found.state;
    if (state !== 'open') return reply.code(410).send(renderMessagePage({ title: 'Befragung geschlossen', message: CLOSED_TEXT[state], lang, status: 410 }));
    return renderRespondentPage({ token, lang });
  });

  app.get(
    '/api/v1/links/:token',
    { schema: { params: TokenParams, response: { 200: z.object({ survey: z.record(z.string(), z.unknown()), version: z.number(), audience: z.string(), locale: z.enum(['de', 'en']), oneResponsePerBrowser: z.boolean() }), 404: Message, 410: Closed } } },
    async (request, reply) => {
      const { link, versionId, state } = await openLink(request.params.token);
      if (state !== 'open') return reply.code(410).send(closed(state));
      const v = await app.versions.get(versionId);
      return { survey: v.definition, version: v.version, audience: link.segment, locale: 'de' as const, oneResponsePerBrowser: link.oneResponsePerBrowser };
    },
  );

  /**
   * Links answered through recently, with the version their answers were validated against. A
   * hit saves the lookup before the insert; it is never trusted for more than that, because
   * `insertThroughLink` checks in the same statement that the link is still open and the
   * version still the newest. When it is not, or a cached version refuses the answer, the
   * answer is tried once more from a fresh lookup, so every 410 and 422 comes from the database's
   * current state.
   */
  const answering = new Map<string, number>(); // token → version id
  const ANSWERING_MAX = 10_000;

  app.post(
    '/api/v1/links/:token/responses',
    { schema: { params: TokenParams, body: Answer.extend({ id: z.uuid() }), response: { 200: z.object({ id: z.string() }), 201: z.object({ id: z.string(), resumeKey: z.string() }), 404: Message, 409: Message, 410: Closed, 422: Errors, 503: Message } } },
    async (request, reply) => {
      const { id, data, complete, locale } = request.body;
      // A personal link answers through its collector link; its participant is marked apart from the answer.
      let personal: PersonalLink | undefined;
      if (!answering.has(request.params.token)) personal = await resolvePersonalToken(app.db, request.params.token);
      if (personal && personal.state !== 'open') {
        const prior = await storedResponse(app.db, id);
        if (prior?.status === 'complete') return reply.code(200).send({ id });
        return reply.code(410).send({ message: PERSONAL_DONE[personal.state], reason: 'closed' as const });
      }
      const token = personal?.linkToken ?? request.params.token;
      // A verdict depends only on the version and the answer: a fresh lookup that finds the same
      // version reuses it instead of validating again (a fresh survey-core Model costs milliseconds).
      let decided: { versionId: number; verdict: ValidationResult } | undefined;
      for (const fresh of answering.has(token) ? [false, true, true] : [true, true]) {
        let versionId = answering.get(token);
        if (fresh) {
          const found = await openLink(token);
          if (found.state !== 'open') {
            answering.delete(token);
            const again = await replay(id, found.link.id, request.body, false);
            if (again) return reply.code(again.code).send(again.body);
            return reply.code(410).send(closed(found.state));
          }
          versionId = found.versionId;
        }
        const v = await app.versions.get(versionId as number);
        const verdict = decided?.versionId === v.id ? decided.verdict : v.validator.validate(data, { complete, locale });
        decided = { versionId: v.id, verdict };
        if (!verdict.ok) {
          if (fresh) return reply.code(422).send({ errors: verdict.errors });
          continue;
        }
        const stored = await insertThroughLink(app.db, token, { id, versionId: v.id, catalogue: v.catalogue, data: verdict.data, complete, locale });
        if (!stored.linkOpen) {
          answering.delete(token);
          continue;
        }
        answering.delete(token);
        answering.set(token, v.id);
        if (answering.size > ANSWERING_MAX) answering.delete(answering.keys().next().value as string);
        if (!stored.created) {
          const again = await replay(id, stored.linkId as number, request.body, true);
          // Nothing under the id any more: erased between the INSERT and now.
          if (!again) return reply.code(409).send({ message: 'Diese Antwort wurde inzwischen gelöscht.' });
          if (personal && complete && again.code === 200) await markCompleted(app.db, personal.participantId);
          return reply.code(again.code).send(again.body);
        }
        if (personal) await (complete ? markCompleted(app.db, personal.participantId) : markStarted(app.db, personal.participantId, stored.resumeKey as string));
        return reply.code(201).send({ id, resumeKey: stored.resumeKey as string });
      }
      // The survey got new versions between lookup and insert twice in a row: nothing stored,
      // and the page keeps the answers and offers to send them again.
      return reply.code(503).send({ message: 'Die Befragung wurde gerade geändert. Bitte senden Sie Ihre Antworten noch einmal.' });
    },
  );

  app.get(
    '/api/v1/responses/:id',
    { schema: { params: IdParams, headers: ResumeHeader, response: { 200: z.object({ id: z.string(), data: z.record(z.string(), z.unknown()), complete: z.boolean() }), 404: Message } } },
    async (request) => {
      const own = await findOwnResponse(app.db, request.params.id, request.headers['x-resume-key']);
      if (!own) throw httpError(404, 'Antwort nicht gefunden');
      return { id: own.response.id, data: own.response.data as Record<string, unknown>, complete: own.response.status === 'complete' };
    },
  );

  app.put(
    '/api/v1/responses/:id',
    { schema: { params: IdParams, headers: ResumeHeader, body: Answer, response: { 200: z.object({ id: z.string(), complete: z.boolean() }), 404: Message, 409: Message, 410: Closed, 422: Errors } } },
    async (request, reply) => {
      const { id } = request.params;
      const key = request.headers['x-resume-key'];
      const own = await findOwnResponse(app.db, id, key);
      if (!own) throw httpError(404, 'Antwort nicht gefunden');
      if (own.response.status === 'complete') throw httpError(409, ALREADY_COMPLETE);
      // Continuing is answering: a revoked, archived, ended or full link takes no more.
      const state = own.response.linkId === null ? 'open' : await linkStateById(app.db, own.response.linkId);
      if (state && state !== 'open') return reply.code(410).send(closed(state));
      const { data, complete, locale } = request.body;
      const v = await app.versions.get(own.response.versionId);
      const verdict = v.validator.validate(data, { complete, locale });
      if (!verdict.ok) return reply.code(422).send({ errors: verdict.errors });
      const outcome = await updateResponse(app.db, id, { resumeKey: key }, { data: verdict.data, complete, locale, catalogue: v.catalogue });
      if (outcome === 'not_found') throw httpError(404, 'Antwort nicht gefunden');
      if (outcome === 'already_complete') throw httpError(409, ALREADY_COMPLETE);
      if (outcome === 'full') return reply.code(410).send(closed('full'));
      if (complete) await completeByResumeKey(app.db, key);
      return { id, complete };
    },
  );

  app.delete(
    '/api/v1/responses/:id',
    { schema: { params: IdParams, headers: ResumeHeader, response: { 204: z.null(), 404: Message } } },
    async (request, reply) => {
      const erased = await eraseResponse(app.db, request.params.id, 'respondent', request.headers['x-resume-key']);
      if (!erased) throw httpError(404, 'Antwort nicht gefunden');
      return reply.code(204).send(null);
    },
  );
};
export default respondent;
