// `befund survey add FILE [--slug S]` and `befund survey list`.
import { loadDefinitionFile } from '../../surveys/load.ts';
import { UserError } from '../errors.ts';
import { importSurvey, LintError, listSurveys } from '../repositories/surveys.ts';
import { output, parse, withApp } from './common.ts';

const USAGE = 'befund survey add FILE [--slug S] | befund survey list';

export default async function survey(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { slug: { type: 'string' } }, USAGE);
  const [action, file] = positionals;
  if (action === 'list') {
    const surveys = await withApp((app) => listSurveys(app.db));
    output(values.json, { surveys }, surveys.map((s) => `${s.slug}\t${s.title}\tVersionen: ${s.versions}\tAntworten: ${s.responses}`).join('\n') || 'Keine Umfragen.');
    return;
  }
  if (action !== 'add' || !file) throw new UserError(`Aufruf: ${USAGE}`);
  const loaded = await loadDefinitionFile(file);
  if (!loaded.ok) throw new UserError(loaded.error);
  const slug = (values.slug as string | undefined) ?? loaded.slug;
  try {
    const r = await withApp((app) => importSurvey(app.db, { slug, definition: loaded.definition }, 'cli'));
    output(values.json, r, r.created ? `${slug}: Version ${r.version} importiert.` : `${slug}: unverändert (Version ${r.version}).`);
  } catch (err) {
    if (err instanceof LintError) throw new UserError(`${file}: nicht importiert:\n  ${err.findings.map((f) => `${f.element}: ${f.message}`).join('\n  ')}`);
    throw err;
  }
}
