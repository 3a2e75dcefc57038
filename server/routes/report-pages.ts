// Report pages for the audiences, behind a share key or a researcher login:
//
//   GET /reports/:slug/:audience[?key][&segment…][&label…][&lang=en]   HTML (web/pages/report.ts)
//   GET /reports/:slug/:audience/data.json                           report model + Vega-Lite specs
//   GET /reports/:slug/:audience/tables.csv                          renderCsv (as `befund analyze`)
//   GET /reports/:slug/:audience/report.pdf                          the print view, printed by Chromium
//
// Everything is built from aggregates (loadAggregates → buildReport), never from raw responses.
// Filters are applied inside buildReport, where small-group protection holds across filtered and
// unfiltered reports; a filter it refuses is shown with its message. A share-key reader may use
// only the filters the profile's `shared.filters` allows (default: segment); another one is
// refused with 400 and a sentence, before any report is built, and link labels reach such a
// reader only where the label filter is allowed. Of those, such a reader is offered and may apply
// only values whose group, rest and differences with other offered values hold 0 or ≥ k
// respondents in the release they read (analysis/report/shared-filters.ts); any other value or
// combination gets 400 and one sentence that does not say which group was too small. Open texts reach them only where a researcher
// approved them (repositories/open-texts.ts). Researchers keep every filter and see every
// text. Without access — no
// researcher, no valid key for exactly this survey and audience — and for an unknown survey or
// audience, every route answers the same 404, so nothing leaks.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { chartsFor } from '../../analysis/charts/index.ts';
import type { Locale } from '../../analysis/format.ts';
import { listAudiences, type Profile, ProfileError, SHARED_FILTERS, type SharedFilter } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import type { AudienceScope } from '../../analysis/report/published.ts';
import { offeredFilters, sharedFilterAllowed } from '../../analysis/report/shared-filters.ts';
import type { ReportModel } from '../../analysis/report/model.ts';
import { renderCsv } from '../../analysis/render/csv.ts';
import { renderSvg } from '../../analysis/render/svg.ts';
import { type ReportPageOptions, type ReportQuery, renderNotFoundPage, renderReportPage } from '../../web/pages/report.ts';
import { mergedCatalogue } from '../repositories/aggregates.ts';
import { dataStamp, sharedAggregates } from '../repositories/aggregates-cache.ts';
import { currentRelease, type Release, releaseForReaders } from '../repositories/releases.ts';
import { profileFor, surveyAudiences } from '../repositories/profiles.ts';
import { canViewReport } from '../repositories/shares.ts';
import { roleAllows } from '../repositories/tokens.ts';
import { surveyForReport } from '../repositories/report-survey.ts';
import { findSurvey, SLUG_PATTERN } from '../repositories/surveys.ts';

/** A PDF refused because PDF_CONCURRENCY are already waiting or printing may be asked for again after this. */
const PDF_RETRY_AFTER_SECONDS = 10;

/**
 * Runs jobs one after another, with at most `max` waiting or running. `reserve()` takes a place
 * at once (or returns null when all are taken); the returned function runs the job in turn and
 * frees the place when it settles.
 */
export class PrintQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private taken = 0;
  constructor(readonly max: number) {}
  get size(): number {
    return this.taken;
  }
  reserve(): (<T>(job: () => Promise<T>) => Promise<T>) | null {
    if (this.taken >= this.max) return null;
    this.taken++;
    return <T>(job: () => Promise<T>) => {
      const run = this.tail.then(job).finally(() => {
        this.taken--;
      });
      this.tail = run.catch(() => undefined);
      return run;
    };
  }
}

/** Where Chromium is (read per request, so an install or CHROMIUM_PATH takes effect at once). */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const STYLE = new URL('../../web/report/style.css', import.meta.url);

const many = z
  .union([z.string().max(200), z.array(z.string().max(200)).max(50)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const Params = z.object({ slug: z.string().max(100), audience: z.string().max(100) });
const Query = z.object({ key: z.string().max(200).optional(), segment: many, label: many, lang: z.string().max(10).optional() });
interface Req extends FastifyRequest {
  params: z.infer<typeof Params>;
  query: z.infer<typeof Query>;
}

interface Loaded {
  slug: string;
  audience: string;
  profile: Profile;
  locale: Locale;
  query: ReportQuery;
  report: ReportModel | null;
  error?: string;
  status: number;
  /** Set with 503 while the report is being prepared: the Retry-After header. */
  retryAfter?: number;
  options: ReportPageOptions['options'];
}

/** The report this request may see, or null (→ 404). */
async function load(app: FastifyInstance, request: Req): Promise<Loaded | null> {
  const { slug, audience } = request.params;
  const q = request.query;
  if (!SLUG_PATTERN.test(slug) || !listAudiences().includes(audience)) return null;
  const actor = await app.optionalActor(request).catch(() => undefined);
  if (!(await canViewReport(app.db, { slug, audience, key: q.key ?? null, actor: actor ?? null }))) return null;
  const survey = await findSurvey(app.db, slug);
  if (!survey) return null;
  // the survey's own profile for this audience where a researcher uploaded one
  const profile = await profileFor(app.db, survey.id, audience);
  // every audience's profile decides what is published, so the protection of this report too
  const audiences = await surveyAudiences(app.db, survey.id);
  const locale: Locale = q.lang === 'en' ? 'en' : 'de';
  // researchers read live figures; a share key reads the release (repositories/releases.ts)
  const live = !!actor && roleAllows(actor.role, 'researcher');
  const allowed: readonly SharedFilter[] = live ? SHARED_FILTERS : profile.shared.filters;
  const forbidden = SHARED_FILTERS.filter((f) => !allowed.includes(f) && q[f].length > 0);
  // a forbidden filter is refused before any report is built, the same whatever was asked for:
  // it tells nothing about which labels exist, and the values sent are not echoed
  const asked = { segment: allowed.includes('segment') ? q.segment : [], label: allowed.includes('label') ? q.label : [] };
  const refusal = forbidden.length > 0 ? forbidden.map((f) => FORBIDDEN[locale](f)).join(' ') : undefined;
  const cacheKey = JSON.stringify([survey.id, audience, locale, [...asked.segment].sort(), [...asked.label].sort(), forbidden, app.config.minGroupSize, live, JSON.stringify(profile), audiences]);
  // A share key's first read publishes the first release, and a report over hundreds of link
  // labels takes a minute or two to build cold (its protection): past REPORT_WAIT_MS the reader
  // gets 503 with Retry-After while both go on, and a later read finds the report built.
  const stampOf = async (release: Release | null | 'live') =>
    release === 'live' ? await dataStamp(app, survey.id) : `release:${release?.id}:${release?.erased}:${await dataStamp(app, survey.id)}`;
  const cached = (stamp: string) => {
    const hit = cache.get(cacheKey);
    return hit && hit.stamp === stamp && Date.now() - hit.at < CACHE_MS ? hit.built : undefined;
  };
  const known = live ? 'live' : await currentRelease(app.db, survey.id);
  let built = known ? cached(await stampOf(known)) : undefined;
  built ??= await withinWait(app.config.timeouts.reportWaitMs, `${survey.id}:${cacheKey}`, async () => {
    const release = known ?? (await firstReaderRelease(app, survey.id));
    const stamp = await stampOf(release);
    const hit = cached(stamp);
    if (hit) return hit;
    const fresh = await build(app, survey, { profile, audiences }, locale, asked, release, allowed, refusal, stamp);
    cache.delete(cacheKey);
    cache.set(cacheKey, { at: Date.now(), stamp, built: fresh });
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    return fresh;
  }).catch((err) => {
    if (err !== STILL_PREPARING) throw err;
    return undefined;
  });
  if (!built) {
    const query: ReportQuery = { key: q.key, segment: [], label: [] };
    return { slug, audience, profile, locale, query, report: null, error: PREPARING[locale], status: 503, retryAfter: PREPARING_RETRY_SECONDS, options: { segments: [], labels: [] } };
  }
  // a filter refused by the small-group rule is not echoed either (its values are not offered)
  const query: ReportQuery = { key: q.key, ...(built.refused ? { segment: [], label: [] } : asked) };
  return { slug, audience, profile, locale, query, report: built.report, error: built.error, status: built.status, options: built.options };
}

type Built = Pick<Loaded, 'report' | 'error' | 'status' | 'options'> & { refused?: true };

/** Seconds a reader is asked to wait while a report is prepared. */
const PREPARING_RETRY_SECONDS = 30;
const PREPARING: Record<Locale, string> = {
  de: `Dieser Bericht wird gerade vorbereitet (eine große Umfrage braucht dafür bis zu zwei Minuten). Bitte laden Sie die Seite in ${PREPARING_RETRY_SECONDS} Sekunden neu.`,
  en: `This report is being prepared (a large survey takes up to two minutes). Please reload the page in ${PREPARING_RETRY_SECONDS} seconds.`,
};
const STILL_PREPARING = Symbol('still preparing');

/** Work under way per key (a report, a first release): a second reader joins it instead of starting it again. */
const underWay = new Map<string, Promise<unknown>>();

/**
 * `work`'s result if it ends within `waitMs` (0: only if it has already ended); otherwise rejects
 * with STILL_PREPARING while the work goes on (should it fail, the next reader starts it again).
 */
function withinWait<T>(waitMs: number, key: string, work: () => Promise<T>): Promise<T> {
  let running = underWay.get(key) as Promise<T> | undefined;
  if (!running) {
    running = work().finally(() => underWay.delete(key));
    running.catch(() => undefined); // a reader who gave up does not await it
    underWay.set(key, running);
  }
  let timer: NodeJS.Timeout | undefined;
  // 0: never wait for a report that is not ready (an embedded database may answer before any timer)
  const waited =
    waitMs <= 0
      ? Promise.reject(STILL_PREPARING)
      : new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(STILL_PREPARING), waitMs);
        });
  return Promise.race([running, waited]).finally(() => clearTimeout(timer));
}

/**
 * The release a share key reads. Two first readers of one survey at once (the page and its
 * data.json, two audiences) share one first release: the second would otherwise wait for the
 * first one's lock and fail after DB_LOCK_TIMEOUT_MS on a large survey.
 */
function firstReaderRelease(app: FastifyInstance, surveyId: number): Promise<Release | null> {
  const key = `release:${surveyId}`;
  let running = underWay.get(key) as Promise<Release | null> | undefined;
  if (!running) {
    running = releaseForReaders(app.db, surveyId).finally(() => underWay.delete(key));
    underWay.set(key, running);
  }
  return running;
}

const FILTER_NAMES = { de: { segment: 'Zielgruppe', label: 'Herkunft (Link)' }, en: { segment: 'audience', label: 'source (link)' } } as const;
/** Why a share-key reader's filter is refused (the query field in brackets). */
const FORBIDDEN: Record<Locale, (f: SharedFilter) => string> = {
  de: (f) => `Der Filter nach ${FILTER_NAMES.de[f]} steht in diesem geteilten Bericht nicht zur Verfügung (Feld ${f}); bitte ohne ihn aufrufen.`,
  en: (f) => `The filter by ${FILTER_NAMES.en[f]} is not available in this shared report (field ${f}); please open it without.`,
};
/**
 * Why a share-key reader's filter value is refused by the small-group rule
 * (analysis/report/shared-filters.ts): one sentence whether the group itself, the rest of the
 * report or a difference with another filter is too small, so it tells nothing about sizes.
 */
const TOO_NARROW: Record<Locale, (fields: string[], k: number) => string> = {
  de: (fields, k) =>
    `Diese Filterauswahl steht in diesem geteilten Bericht nicht zur Verfügung (${fields.length > 1 ? 'Felder' : 'Feld'} ${fields.join(', ')}): allein oder im Vergleich mit dem ungefilterten Bericht und den anderen Filtern ließe sie eine Gruppe von weniger als ${k} Personen erkennen. Bitte wählen Sie einen der angebotenen Filter.`,
  en: (fields, k) =>
    `This filter choice is not available in this shared report (${fields.length > 1 ? 'fields' : 'field'} ${fields.join(', ')}): on its own or compared with the unfiltered report and the other filters it would single out a group of fewer than ${k} people. Please choose one of the filters offered.`,
};

const segmentOptions = (profile: Profile) => profile.segments.include.map((s) => ({ value: s, label: profile.segments.labels[s] ?? { de: s, en: s } }));

/**
 * Built reports, reused while the survey's counts and versions are unchanged (the page
 * and its data.json ask for the same report within a second), and for at most CACHE_MS.
 */
const cache = new Map<string, { at: number; stamp: string; built: Built }>();
const CACHE_MS = 60_000;
const CACHE_ENTRIES = 100;

async function build(
  app: FastifyInstance,
  survey: { id: number; slug: string; title: string },
  { profile, audiences }: { profile: Profile; audiences: AudienceScope[] },
  locale: Locale,
  q: { segment: string[]; label: string[] },
  release: Release | null | 'live',
  allowed: readonly SharedFilter[],
  refusal: string | undefined,
  stamp: string,
): Promise<Built> {
  const [catalogue, data, about] = await Promise.all([
    mergedCatalogue(app.db, survey.id),
    // a share key without a release (the survey has no answers yet) gets an empty report; the
    // other audiences' reports and the other locale of the same figures share one load
    release ? sharedAggregates(app, survey.id, release, stamp) : { bases: [], counts: [], openTexts: [] },
    surveyForReport(app.db, survey),
  ]);
  const include = new Set(profile.segments.include);
  // link labels are offered (and so shown) only where the reader may filter by them
  const labels = allowed.includes('label')
    ? [...new Set(data.bases.filter((b) => include.has(b.segment) && b.linkLabel).map((b) => b.linkLabel as string))].sort((a, b) => a.localeCompare(b, 'de'))
    : [];
  const candidates = { segments: allowed.includes('segment') ? profile.segments.include : [], labels };
  const k = app.config.minGroupSize;
  // a share-key reader is offered only values whose groups, rests and differences are 0 or ≥ k
  // in the release they read; researchers keep every filter
  const offered = release === 'live' ? candidates : offeredFilters(data.bases, profile.segments.include, candidates, k);
  const options = { segments: segmentOptions(profile).filter((s) => offered.segments.includes(s.value)), labels: offered.labels };
  if (refusal) return { report: null, error: refusal, status: 400, options };
  const filters = { segments: q.segment, linkLabels: q.label };
  if (release !== 'live' && !sharedFilterAllowed(data.bases, profile.segments.include, offered, filters, k)) {
    const fields = SHARED_FILTERS.filter((f) => q[f].length > 0 && !q[f].every((v) => (f === 'segment' ? offered.segments : offered.labels).includes(v)));
    const named = fields.length ? fields : SHARED_FILTERS.filter((f) => q[f].length > 0);
    return { report: null, error: TOO_NARROW[locale](named, k), status: 400, options, refused: true };
  }
  try {
    const report = buildReport({ catalogue, data, profile, minGroupSize: k, locale, filters, survey: about, audiences });
    return { report, status: 200, options };
  } catch (err) {
    if (err instanceof ReportError) return { report: null, error: err.message, status: err.status, options };
    if (err instanceof ProfileError) return { report: null, error: err.message, status: 422, options };
    throw err;
  }
}

/** Every chart of the report, keyed by chart id (questions repeated across sections once). */
function reportCharts(report: ReportModel, locale: Locale) {
  const ctx = { locale, notice: report.notice };
  const seen = new Set<string>();
  const out: ReturnType<typeof chartsFor> = [];
  for (const q of report.sections.flatMap((s) => s.questions)) {
    if (seen.has(q.name) || q.suppressed) continue;
    seen.add(q.name);
    out.push(...chartsFor(q, ctx));
  }
  return out;
}

const notFound = (reply: FastifyReply) => reply.code(404).header('cache-control', 'no-store').send({ message: 'Nicht gefunden' });
const fileName = (l: Loaded, ext: string) => `${l.slug}-${l.audience}${l.query.segment.length + l.query.label.length ? '-gefiltert' : ''}.${ext}`;

/** Server-rendered SVGs of first charts, by spec: the same data gives the same spec. */
const firstSvgs = new Map<string, string>();
async function firstChartSvg(spec: Parameters<typeof renderSvg>[0], locale: Locale): Promise<string> {
  const key = `${locale}:${JSON.stringify(spec)}`;
  let svg = firstSvgs.get(key);
  if (svg === undefined) {
    svg = await renderSvg(spec, locale);
    firstSvgs.set(key, svg);
    if (firstSvgs.size > CACHE_ENTRIES) firstSvgs.delete(firstSvgs.keys().next().value as string);
  }
  return svg;
}

function pageOptions(l: Loaded): ReportPageOptions {
  return { locale: l.locale, mode: 'screen', slug: l.slug, audience: l.audience, query: l.query, report: l.report, error: l.error, fallbackTitle: l.profile.title, options: l.options };
}

const reportPages: FastifyPluginAsyncZod = async (app) => {
  const schema = { params: Params, querystring: Query, hide: true };

  app.get('/reports/:slug/:audience', { schema }, async (request, reply) => {
    const l = await load(app, request);
    if (l?.retryAfter) reply.header('retry-after', String(l.retryAfter));
    reply.header('cache-control', 'private, no-store').type('text/html; charset=utf-8');
    if (!l) return reply.code(404).send(renderNotFoundPage());
    const charts = l.report ? reportCharts(l.report, l.locale) : [];
    // The first chart comes as SVG inside the page, so it is visible before the script has loaded.
    const svgs = charts.length ? { [charts[0].id]: await firstChartSvg(charts[0].spec, l.locale) } : {};
    return reply.code(l.status).send(renderReportPage({ ...pageOptions(l), chartIds: charts.map((c) => c.id), svgs }));
  });

  app.get('/reports/:slug/:audience/data.json', { schema }, async (request, reply) => {
    const l = await load(app, request);
    if (l?.retryAfter) reply.header('retry-after', String(l.retryAfter));
    if (!l) return notFound(reply);
    // not no-store: Chromium would then not hand the preloaded response to the page's fetch()
    reply.header('cache-control', 'private, no-cache');
    if (!l.report) return reply.code(l.status).send({ message: l.error });
    const charts = Object.fromEntries(reportCharts(l.report, l.locale).map((c) => [c.id, c.spec]));
    return { report: l.report, charts };
  });

  app.get('/reports/:slug/:audience/tables.csv', { schema }, async (request, reply) => {
    const l = await load(app, request);
    if (l?.retryAfter) reply.header('retry-after', String(l.retryAfter));
    if (!l) return notFound(reply);
    if (!l.report) return reply.code(l.status).send({ message: l.error });
    return reply
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${fileName(l, 'csv')}"`)
      .type('text/csv; charset=utf-8')
      .send(renderCsv(l.report, l.locale));
  });

  // One browser for the process, started on the first PDF; one PDF at a time, PDF_CONCURRENCY at
  // most waiting or printing (each holds its HTML in memory; the rest get 503 at once).
  let browser: Promise<Browser> | null = null;
  const queue = new PrintQueue(app.config.pdfConcurrency);
  app.addHook('onClose', async () => {
    if (browser) await (await browser.catch(() => null))?.close();
  });
  const print = async (html: string): Promise<Buffer> => {
    if (!browser) {
      const { chromium } = await import('playwright-core');
      browser = chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
      browser.catch(() => {
        browser = null;
      });
    }
    const page = await (await browser).newPage();
    try {
      await page.route('**/*', (route) => route.abort()); // the print view needs nothing from outside
      await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await page.close();
    }
  };

  app.get('/reports/:slug/:audience/report.pdf', { schema }, async (request, reply) => {
    const l = await load(app, request);
    if (l?.retryAfter) reply.header('retry-after', String(l.retryAfter));
    if (!l) return notFound(reply);
    if (!l.report) return reply.code(l.status).send({ message: l.error });
    const chromium = chromiumPath();
    if (!existsSync(chromium)) {
      return reply.code(503).send({
        message: `Für den PDF-Bericht fehlt Chromium (${chromium}). Installieren Sie es mit "apt-get install chromium" (Debian/Ubuntu) oder setzen Sie CHROMIUM_PATH; Tabellen (CSV) und die Berichtsseite gehen auch ohne.`,
      });
    }
    const slot = queue.reserve();
    if (!slot) {
      return reply
        .code(503)
        .header('retry-after', String(PDF_RETRY_AFTER_SECONDS))
        .send({
          message: `Gerade werden schon ${app.config.pdfConcurrency} PDF-Berichte erstellt; bitte versuchen Sie es in ${PDF_RETRY_AFTER_SECONDS} Sekunden noch einmal. Die Berichtsseite und die Tabellen (CSV) gehen sofort.`,
        });
    }
    const pdf = await slot(async () => {
      const svgs: Record<string, string> = {};
      for (const c of reportCharts(l.report as ReportModel, l.locale)) svgs[c.id] = await renderSvg(c.spec, l.locale);
      const html = renderReportPage({ ...pageOptions(l), mode: 'print', svgs, css: await readFile(STYLE, 'utf8') });
      return print(html);
    });
    return reply
      .header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${fileName(l, 'pdf')}"`)
      .type('application/pdf')
      .send(pdf);
  });
};

export default reportPages;
