// `befund participants import|list|export|erase|purge --survey S …`: the partner panel's list.
import fs from 'node:fs';
import { BOM, csvLine, safeText } from '../export/csv.ts';
import { UserError } from '../errors.ts';
import { checkList, csvRecords, decodeCsv, xlsxRecords } from '../panel/rows.ts';
import { eraseParticipant, importParticipants, knownSegments, listParticipants, type ParticipantView, purgeParticipants } from '../repositories/participants.ts';
import { findSurvey } from '../repositories/surveys.ts';
import { output, parse, required, withApp } from './common.ts';
import { progress } from './progress.ts';

const USAGE = `befund participants import --survey S DATEI.csv|DATEI.xlsx [--valid-rows]
       befund participants list --survey S
       befund participants export --survey S --out DATEI.csv
       befund participants erase --survey S --email E
       befund participants purge --survey S --yes`;

/** Reads a list file (CSV in UTF-8 or Windows-1252, or XLSX) into checked rows. */
export async function readList(bytes: Uint8Array, segments: ReadonlySet<string>) {
  const isXlsx = bytes[0] === 0x50 && bytes[1] === 0x4b; // a ZIP container
  if (isXlsx) {
    const records = await xlsxRecords(bytes).catch(() => undefined);
    if (!records) return { rows: [], duplicates: [], errors: [{ line: 1, message: 'Die Datei ist keine lesbare XLSX-Datei: speichern Sie sie in Excel neu oder als CSV.', en: 'The file is not a readable XLSX file: save it again in Excel or as CSV.' }], encoding: 'xlsx' };
    return { ...checkList(records, segments), encoding: 'xlsx' };
  }
  const { text, encoding } = decodeCsv(bytes);
  return { ...checkList(csvRecords(text), segments), encoding };
}

export const EXPORT_COLUMNS = ['email', 'name', 'organisation', 'segment', 'label', 'language', 'opted_out', 'status', 'completed_on', 'invitation', 'reminders_sent', 'last_mail_error'];

export function exportCsv(rows: ParticipantView[]): string {
  const cell = (v: string | number | boolean | null) => (v === null ? '' : safeText(String(v)));
  return (
    BOM +
    csvLine(EXPORT_COLUMNS, ';') +
    rows.map((r) => csvLine([r.email, r.name, r.organisation, r.segment, r.label, r.language, r.optedOut, r.progress, r.completedOn, r.invitation, r.remindersSent, r.lastMailError].map(cell), ';')).join('')
  );
}

export default async function participantsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { survey: { type: 'string' }, 'valid-rows': { type: 'boolean' }, out: { type: 'string' }, email: { type: 'string' }, yes: { type: 'boolean' } },
    USAGE,
  );
  const [action, file] = positionals;
  if (!['import', 'list', 'export', 'erase', 'remove', 'purge'].includes(action ?? '')) throw new UserError(`Aufruf: ${USAGE}`);
  const slug = required(values.survey as string | undefined, '--survey', USAGE);
  const json = values.json as boolean | undefined;
  if (action === 'import' && !file) throw new UserError(`Welche Datei? Aufruf: ${USAGE}`);
  if (action === 'import' && !fs.existsSync(file)) throw new UserError(`Die Datei ${file} gibt es nicht.`);
  if (action === 'export' && !values.out) throw new UserError(`--out fehlt. Aufruf: ${USAGE}`);
  if (action === 'purge' && !values.yes) throw new UserError('Das löscht die ganze Teilnehmerliste dieser Umfrage (die Antworten bleiben): bestätigen Sie mit --yes.');
  await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    if (action === 'import') {
      const list = await readList(fs.readFileSync(file), await knownSegments(app.db, survey.id));
      const refused = [...list.errors, ...list.duplicates].sort((a, b) => a.line - b.line);
      if (refused.length && !values['valid-rows']) {
        const shown = refused.slice(0, 20).map((e) => `  ${e.message}`);
        if (refused.length > 20) shown.push(`  … und ${refused.length - 20} weitere`);
        throw new UserError(
          `Nichts importiert: ${refused.length} Zeile(n) sind fehlerhaft. Korrigieren Sie die Datei oder importieren Sie mit --valid-rows nur die ${list.rows.length} gültigen Zeilen.\n${shown.join('\n')}`,
        );
      }
      const bar = progress(list.rows.length, json === true);
      const result = await importParticipants(app.db, survey.id, list.rows, 'cli', (n) => bar.tick(n));
      bar.done();
      const summary = { ...result, refused: refused.map((e) => ({ line: e.line, message: e.message, en: e.en })), encoding: list.encoding };
      output(json, summary, `${result.added} Teilnehmende importiert, ${result.existing} standen schon auf der Liste, ${refused.length} Zeile(n) übersprungen.`);
    } else if (action === 'list') {
      const rows = await listParticipants(app.db, survey.id, 'cli');
      output(json, rows, rows.map((r) => [r.email, r.segment, r.label ?? '', r.language, r.optedOut ? 'abgemeldet' : r.progress, r.invitation, r.lastMailError ?? ''].join('\t')).join('\n') || 'Die Liste ist leer.');
    } else if (action === 'export') {
      const rows = await listParticipants(app.db, survey.id, 'cli');
      fs.writeFileSync(values.out as string, exportCsv(rows));
      output(json, { rows: rows.length, out: values.out }, `${rows.length} Teilnehmende nach ${values.out} exportiert.`);
    } else if (action === 'erase' || action === 'remove') {
      const email = required(values.email as string | undefined, '--email', USAGE);
      if (!(await eraseParticipant(app.db, survey.id, email, 'cli'))) throw new UserError(`${email} steht nicht auf der Liste von "${slug}".`);
      output(json, { erased: 1 }, `${email} und die Teilnahme-Angabe gelöscht.`);
    } else {
      const n = await purgeParticipants(app.db, survey.id, 'cli');
      output(json, { purged: n }, `${n} Teilnehmende gelöscht; die Antworten bleiben (sie nennen niemanden).`);
    }
  });
}
