// `befund analyze --survey S [--audience A|all] --out DIR [--format json,svg,html,csv] [--min-group N]
// [--locale de|en] [--json]`: writes one folder per audience with report.json, charts/<q>.vl.json,
// charts/<q>.svg, report.html and tables.csv. The same data and arguments give the same bytes.
//
//   loadAggregates (SQL) → buildReport per audience → chartsFor → renderSvg → renderHtml / renderCsv
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chartsFor } from '../../analysis/charts/index.ts';
import { asLocale, type Locale } from '../../analysis/format.ts';
import { listAudiences, loadProfile, ProfileError, UnknownAudienceError } from '../../analysis/profiles/index.ts';
import { buildReport, ReportError } from '../../analysis/report/build.ts';
import type { ReportModel } from '../../analysis/report/model.ts';
import { renderCsv } from '../../analysis/render/csv.ts';
import { renderHtml } from '../../analysis/render/html.ts';
import { renderSvg } from '../../analysis/render/svg.ts';
import { UserError } from '../errors.ts';
import { loadAggregates, mergedCatalogue } from '../repositories/aggregates.ts';
import { profileFor, surveyAudiences } from '../repositories/profiles.ts';
import { surveyForReport } from '../repositories/report-survey.ts';
import { findSurvey } from '../repositories/surveys.ts';
import { output, parse, required, withApp } from './common.ts';
import { progress } from './progress.ts';

const USAGE = 'befund analyze --survey S [--audience A|all] --out DIR [--format json,svg,html,csv] [--min-group N] [--locale de|en] [--json]';
const FORMATS = ['json', 'svg', 'html', 'csv'] as const;
type Format = (typeof FORMATS)[number];

function formats(value: string | undefined): Set<Format> {
  const list = (value ?? FORMATS.join(',')).split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = list.filter((f) => !FORMATS.includes(f as Format));
  if (unknown.length || list.length === 0) throw new UserError(`Unbekanntes Format ${unknown.map((f) => `"${f}"`).join(', ') || '""'}: möglich sind ${FORMATS.join(', ')}. Aufruf: ${USAGE}`);
  return new Set(list as Format[]);
}

function audiences(value: string): string[] {
  if (value === 'all') return listAudiences();
  const list = value.split(',').map((a) => a.trim());
  try {
    for (const a of list) loadProfile(a);
  } catch (err) {
    if (err instanceof UnknownAudienceError) throw new UserError(`Die Zielgruppe "${err.audience}" gibt es nicht: möglich sind ${err.known.join(', ')} oder all`);
    throw err;
  }
  return list;
}

/** Creates DIR (and a probe file in it), or says in one sentence why it cannot be written. */
function writableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, '.befund-write-test');
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'Fehler';
    throw new UserError(`In das Ausgabeverzeichnis ${dir} kann nicht geschrieben werden (${code}): wählen Sie mit --out ein beschreibbares Verzeichnis`);
  }
}

/** Safe file stem for a question name (SurveyJS names may hold spaces or slashes). */
const stem = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

interface Written {
  audience: string;
  dir: string;
  responses: number;
  files: string[];
}

async function writeReport(report: ReportModel, dir: string, want: Set<Format>, locale: Locale, tick: () => void): Promise<string[]> {
  const files: string[] = [];
  const put = (rel: string, text: string) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    files.push(rel);
  };
  if (want.has('json')) put('report.json', json(report));
  const ctx = { locale, notice: report.notice };
  const seen = new Set<string>();
  const svgs: Record<string, string> = {};
  for (const q of report.sections.flatMap((s) => s.questions)) {
    if (seen.has(q.name)) continue;
    seen.add(q.name);
    for (const chart of chartsFor(q, ctx)) {
      if (want.has('json') || want.has('svg')) put(`charts/${stem(chart.id)}.vl.json`, json(chart.spec));
      if (want.has('svg') || want.has('html')) svgs[chart.id] = await renderSvg(chart.spec, locale);
      if (want.has('svg')) put(`charts/${stem(chart.id)}.svg`, svgs[chart.id]);
    }
    tick();
  }
  if (want.has('html')) put('report.html', renderHtml(report, { locale, svgs }));
  if (want.has('csv')) put('tables.csv', renderCsv(report, locale));
  return files;
}

export default async function analyze(argv: string[]): Promise<void> {
  const { values } = parse(
    argv,
    { survey: { type: 'string' }, audience: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, 'min-group': { type: 'string' }, locale: { type: 'string' } },
    USAGE,
  );
  const slug = required(values.survey as string | undefined, '--survey', USAGE);
  const out = path.resolve(required(values.out as string | undefined, '--out', USAGE));
  const want = formats(values.format as string | undefined);
  const list = audiences((values.audience as string | undefined) ?? 'all');
  let locale: Locale;
  try {
    locale = asLocale((values.locale as string | undefined) ?? 'de');
  } catch {
    throw new UserError(`--locale muss de oder en sein. Aufruf: ${USAGE}`);
  }
  const minGroupRaw = values['min-group'] as string | undefined;
  const minGroup = minGroupRaw === undefined ? undefined : Number(minGroupRaw);
  if (minGroup !== undefined && (!Number.isInteger(minGroup) || minGroup < 2))
    throw new UserError(`--min-group muss eine ganze Zahl ab 2 sein (üblich ist 5). Aufruf: ${USAGE}`);
  writableDir(out);

  const started = Date.now();
  const written = await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    const catalogue = await mergedCatalogue(app.db, survey.id);
    const about = await surveyForReport(app.db, survey);
    const data = await loadAggregates(app.db, survey.id, {});
    if (data.bases.reduce((s, b) => s + b.n, 0) === 0)
      throw new UserError(`Die Umfrage "${slug}" hat noch keine abgeschlossenen Antworten: erst Antworten sammeln (oder befund demo --survey ${slug}), dann auswerten`);
    const k = minGroup ?? app.config.minGroupSize;
    const reports: ReportModel[] = [];
    const audiences = await surveyAudiences(app.db, survey.id);
    for (const audience of list) {
      try {
        // the survey's own profile for this audience where a researcher uploaded one
        const profile = await profileFor(app.db, survey.id, audience);
        reports.push(buildReport({ catalogue, data, profile, minGroupSize: k, locale, survey: about, audiences }));
      } catch (err) {
        if (err instanceof ReportError || err instanceof ProfileError) throw new UserError(`Bericht für "${audience}": ${err.message}`);
        throw err;
      }
    }
    const total = reports.reduce((s, r) => s + new Set(r.sections.flatMap((x) => x.questions.map((q) => q.name))).size, 0);
    const bar = progress(total, values.json === true);
    const result: Written[] = [];
    for (const report of reports) {
      const dir = path.join(out, report.audience);
      const files = await writeReport(report, dir, want, locale, () => bar.tick());
      result.push({ audience: report.audience, dir, responses: report.responses.total, files: files.length ? files : [] });
    }
    bar.done();
    return result;
  });
  const ms = Date.now() - started;
  output(
    values.json,
    { survey: slug, out, audiences: written.map((w) => ({ audience: w.audience, dir: w.dir, responses: w.responses, files: w.files })), ms },
    written.map((w) => `${w.audience}: ${w.files.length} Dateien in ${w.dir} (${w.responses} Antworten)`).join('\n'),
  );
}
