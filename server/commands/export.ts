// `befund export --survey S --format csv|xlsx|sav|json --out FILE [--labels codes|text]
// [--status complete|all|partial] [--locale de|en]`: the data, streamed from the database, and its
// codebook beside it (FILE.codebook.csv; in XLSX a sheet). The export is audited.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import { FORMATS, type ExportFormat, prepareExport } from '../export/index.ts';
import { countResponses, type StatusFilter } from '../export/source.ts';
import { audit } from '../repositories/audit.ts';
import { findSurvey } from '../repositories/surveys.ts';
import { output, parse, required, withApp } from './common.ts';
import { progress } from './progress.ts';

const USAGE = 'befund export --survey S --format csv|xlsx|sav|json --out FILE [--labels codes|text] [--status complete|all] [--locale de|en]';

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UserError(`${flag} muss ${allowed.join(', ')} sein, nicht "${value}". Aufruf: ${USAGE}`);
  return value as T;
}

/** FILE.codebook.csv beside FILE (without its extension). */
export function codebookPath(file: string): string {
  const ext = path.extname(file);
  return `${ext ? file.slice(0, -ext.length) : file}.codebook.csv`;
}

export default async function exportCommand(argv: string[]): Promise<void> {
  const { values } = parse(
    argv,
    { survey: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, labels: { type: 'string' }, status: { type: 'string' }, locale: { type: 'string' } },
    USAGE,
  );
  const slug = required(values.survey as string | undefined, '--survey', USAGE);
  const format = oneOf<ExportFormat>(required(values.format as string | undefined, '--format', USAGE), FORMATS, 'csv', '--format');
  const file = required(values.out as string | undefined, '--out', USAGE);
  const labels = oneOf(values.labels as string | undefined, ['codes', 'text'] as const, 'codes', '--labels');
  const status = oneOf<StatusFilter>(values.status as string | undefined, ['complete', 'partial', 'all'], 'complete', '--status');
  const locale = oneOf(values.locale as string | undefined, ['de', 'en'] as const, 'de', '--locale');
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UserError(`Der Ordner ${dir} für --out existiert nicht`);

  const result = await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    const total = await countResponses(app.db, survey.id, status);
    const bar = progress(Math.max(total, 1), values.json === true);
    const job = await prepareExport(app.db, survey, { format, labels, status, locale, onRow: () => bar.tick() });
    const partial = `${file}.part`;
    const out = fs.createWriteStream(partial);
    let rows: number;
    try {
      const closed = once(out, 'close');
      rows = await job.write(out);
      if (!out.writableEnded) out.end();
      await closed;
      fs.renameSync(partial, file);
    } catch (err) {
      out.destroy();
      fs.rmSync(partial, { force: true });
      throw err;
    } finally {
      bar.done();
    }
    const codebook = format === 'xlsx' ? null : codebookPath(file);
    if (codebook) fs.writeFileSync(codebook, job.codebookCsv());
    await audit(app.db, 'cli', 'export', slug, { format, labels, status, rows, columns: job.columns.length });
    return { survey: slug, format, file, codebook, rows, columns: job.columns.length };
  });
  output(
    values.json,
    result,
    `${result.rows} Antworten mit ${result.columns} Spalten nach ${result.file} exportiert${result.codebook ? `; Codebuch: ${result.codebook}` : ' (Codebuch als eigenes Blatt)'}.`,
  );
}
