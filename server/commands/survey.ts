// `befund survey add FILE [--slug S]` and `befund survey list`.
import { loadProfiles } from '../../analysis/profiles/index.ts';
import { lintCoverage } from '../../surveys/lint.ts';
import { loadDefinitionFile } from '../../surveys/load.ts';
import { describeProblem, isXlsFormFile, readXlsForm } from '../../surveys/xlsform/index.ts';
import { suggestedSlug } from '../../surveys/xlsform/preview.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { desc, eq } from 'drizzle-orm';
import { surveyVersions } from '../db/schema.ts';
import { exportSheets, writeXlsx } from '../../surveys/xlsform/export.ts';
import { basename } from 'node:path';
import { UserError } from '../errors.ts';
import { findSurvey, importSurvey, LintError, listSurveys, updateSurveySettings } from '../repositories/surveys.ts';
import { setWebhook, webhookTargetProblem } from '../repositories/webhooks.ts';
import { output, parse, withApp } from './common.ts';

const USAGE =
  'befund survey add FILE(.json|.xlsx|.csv) [--slug S] [--lenient] | befund survey export SLUG --format xlsform --out FILE.xlsx | befund survey list | befund survey set SLUG [--retention-days N|none] [--archive|--unarchive] [--webhook URL|none]';

export default async function survey(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { slug: { type: 'string' }, 'retention-days': { type: 'string' }, archive: { type: 'boolean' }, unarchive: { type: 'boolean' }, webhook: { type: 'string' }, lenient: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' } },
    USAGE,
  );
  const [action, file] = positionals;
  if (action === 'set' && file) {
    await setSettings(file, values);
    return;
  }
  if (action === 'export' && file) {
    await exportXlsForm(file, values.format as string | undefined, values.out as string | undefined, values.json as boolean | undefined);
    return;
  }
  if (action === 'list') {
    const surveys = await withApp((app) => listSurveys(app.db));
    output(values.json, { surveys }, surveys.map((s) => `${s.slug}\t${s.title}\tVersionen: ${s.versions}\tAntworten: ${s.responses}`).join('\n') || 'Keine Umfragen.');
    return;
  }
  if (action !== 'add' || !file) throw new UserError(`Aufruf: ${USAGE}`);
  const loaded = isXlsFormFile(file) ? await loadXlsForm(file, values.lenient === true) : await loadDefinitionFile(file);
  if (!loaded.ok) throw new UserError(loaded.error);
  const slug = (values.slug as string | undefined) ?? loaded.slug;
  const dropped = 'dropped' in loaded && loaded.dropped ? loaded.dropped : '';
  try {
    const r = await withApp((app) => importSurvey(app.db, { slug, definition: loaded.definition }, 'cli'));
    // warnings only: which questions no audience report shows, which profile rules find nothing
    const warnings = [...r.warnings, ...lintCoverage(loaded.definition, Object.values(loadProfiles()))];
    const notes = warnings.length > 0 ? `\nHinweise (Kodierung geänderter Fragen, Zielgruppen-Berichte):\n  ${warnings.map((w) => `${w.element}: ${w.message}`).join('\n  ')}` : '';
    const cleaned = r.sanitized.length > 0 ? `\nAus dem HTML entfernt (gespeichert ist die bereinigte Fassung):\n  ${r.sanitized.map((f) => `${f.element}: ${f.message}`).join('\n  ')}` : '';
    output(values.json, { ...r, warnings }, `${r.created ? `${slug}: Version ${r.version} importiert.` : `${slug}: unverändert (Version ${r.version}).`}${dropped}${cleaned}${notes}`);
  } catch (err) {
    if (err instanceof LintError) throw new UserError(`${file}: nicht importiert:\n  ${err.findings.map((f) => `${f.element}: ${f.message}`).join('\n  ')}`);
    throw err;
  }
}

/** The survey's newest version as an XLSForm workbook (a label column per language, for translators). */
async function exportXlsForm(slug: string, format: string | undefined, out: string | undefined, json: boolean | undefined): Promise<void> {
  if (format !== 'xlsform' || !out) throw new UserError(`--format xlsform und --out FILE.xlsx sind nötig. Aufruf: ${USAGE}`);
  const definition = await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    const [v] = await app.db
      .select({ definition: surveyVersions.definition, version: surveyVersions.version })
      .from(surveyVersions)
      .where(eq(surveyVersions.surveyId, survey.id))
      .orderBy(desc(surveyVersions.version))
      .limit(1);
    return v;
  });
  await writeFile(out, await writeXlsx(exportSheets(definition.definition as Record<string, unknown>, slug)));
  output(json, { slug, version: definition.version, out }, `${slug}: Version ${definition.version} als XLSForm geschrieben: ${out}`);
}

/** An XLSForm file (.xlsx, .csv) converted; problems name sheet, row and column. */
async function loadXlsForm(file: string, lenient: boolean): Promise<{ ok: true; slug: string; definition: Record<string, unknown>; dropped: string } | { ok: false; error: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { ok: false, error: `${file}: Datei nicht lesbar (${(err as NodeJS.ErrnoException).code ?? 'unbekannt'})` };
  }
  const r = await readXlsForm(bytes, file, { lenient });
  const lines = (ps: typeof r.problems) => ps.map((p) => `  ${describeProblem(p)}`).join('\n');
  if (!r.ok || !r.definition) return { ok: false, error: `${file}: nicht importiert${lenient ? '' : ' (--lenient übernimmt den Rest)'}:\n${lines(r.problems)}` };
  const slug = suggestedSlug(r.formId, basename(file));
  const dropped = r.problems.length ? `\nNicht übernommen (--lenient):\n${lines(r.problems)}` : '';
  const missing = r.warnings.length ? `\nHinweise zur Tabelle (fehlende Übersetzungen, ignorierte Spalten):\n${lines(r.warnings)}` : '';
  return { ok: true, slug, definition: r.definition, dropped: dropped + missing };
}

async function setSettings(slug: string, values: Record<string, string | boolean | undefined>): Promise<void> {
  const days = values['retention-days'] as string | undefined;
  if (days !== undefined && days !== 'none' && !/^[1-9]\d{0,4}$/.test(days)) throw new UserError(`--retention-days muss eine Zahl von Tagen sein (z. B. 365) oder none. Aufruf: ${USAGE}`);
  const webhook = values.webhook as string | undefined;
  if (webhook !== undefined && webhook !== 'none' && !/^https?:\/\/\S+$/.test(webhook)) throw new UserError(`--webhook muss eine http(s)-Adresse sein oder none. Aufruf: ${USAGE}`);
  const result = await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    const problem = webhook && webhook !== 'none' ? await webhookTargetProblem(webhook, app.config.webhooks.allowPrivate) : null;
    if (problem) throw new UserError(`--webhook: ${problem}`);
    await updateSurveySettings(
      app.db,
      survey.id,
      {
        retentionDays: days === undefined ? undefined : days === 'none' ? null : Number(days),
        archived: values.archive ? true : values.unarchive ? false : undefined,
      },
      'cli',
    );
    const hook = webhook === undefined ? undefined : await setWebhook(app.db, survey.id, webhook === 'none' ? null : webhook, 'cli');
    const after = await findSurvey(app.db, slug);
    return { slug, retentionDays: after?.retentionDays ?? null, archived: after?.archivedAt != null, webhook: hook };
  });
  const lines = [`${slug}: Aufbewahrung ${result.retentionDays === null ? 'unbegrenzt' : `${result.retentionDays} Tage`}${result.archived ? ', archiviert' : ''}`];
  if (result.webhook?.secret) lines.push(`Webhook ${result.webhook.url}; Signatur-Schlüssel (nur jetzt angezeigt): ${result.webhook.secret}`);
  output(values.json as boolean | undefined, result, lines.join('\n'));
}
