// A definition uploaded through the workspace: parsed, linted and imported as the next version,
// or refused with the linter's findings per element.
import { TEXTS } from '../../../web/admin/html/texts.ts';
import type { UploadResult } from '../../../web/admin/html/upload.ts';
import type { Db } from '../../db/client.ts';
import { importSurvey, LintError } from '../../repositories/surveys.ts';

export async function importUpload(db: Db, slug: string, text: string, actor: string, lang: 'de' | 'en'): Promise<UploadResult> {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (err) {
    return { kind: 'refused', message: `${TEXTS[lang].badJson}: ${(err as Error).message}`, findings: [], definition: text };
  }
  if (!definition || typeof definition !== 'object' || Array.isArray(definition))
    return { kind: 'refused', message: TEXTS[lang].badJson, findings: [], definition: text };
  try {
    const r = await importSurvey(db, { slug, definition: definition as Record<string, unknown> }, actor);
    const warnings = r.warnings.map((w) => ({ element: w.element, message: lang === 'en' ? w.en : w.message }));
    return { kind: r.created ? 'created' : 'unchanged', version: r.version, sanitized: r.sanitized, warnings };
  } catch (err) {
    if (err instanceof LintError) return { kind: 'refused', findings: err.findings, definition: text };
    throw err;
  }
}
