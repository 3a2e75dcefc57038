// What `serve` does before listening: import the survey definitions folder (a broken file is
// reported and skipped), make sure every survey has one link per audience, and make sure a
// researcher can log in. Returns the text that tells a person where to go next.
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { loadDefinitions } from '../surveys/load.ts';
import { apiTokens, links } from './db/schema.ts';
import { createLink } from './repositories/links.ts';
import { importSurvey, LintError } from './repositories/surveys.ts';
import { createToken } from './repositories/tokens.ts';

/** The three report audiences of the WIN:A study; each survey gets one default link each. */
export const DEFAULT_AUDIENCES = ['intermediary', 'sme', 'works_council'] as const;

export interface StudySummary {
  problems: string[];
  surveys: { slug: string; version: number; links: { segment: string; token: string }[] }[];
  tokenHint: string;
  describe(baseUrl: string, elapsedMs: number): string;
}

export async function importDefinitionsFolder(app: FastifyInstance) {
  const problems: string[] = [];
  const imported: { slug: string; surveyId: number; version: number }[] = [];
  if (!fs.existsSync(app.config.surveysDir)) return { problems: [`Ordner ${app.config.surveysDir} fehlt – keine Umfragen importiert`], imported };
  for (const loaded of await loadDefinitions(app.config.surveysDir)) {
    if (!loaded.ok) {
      problems.push(loaded.error);
      continue;
    }
    try {
      const r = await importSurvey(app.db, { slug: loaded.slug, definition: loaded.definition }, 'startup');
      imported.push({ slug: r.slug, surveyId: r.surveyId, version: r.version });
      if (r.sanitized.length > 0) problems.push(`${loaded.file}: aus dem HTML entfernt (gespeichert ist die bereinigte Fassung): ${r.sanitized.map((f) => `${f.element}: ${f.message}`).join('; ')}`);
    } catch (err) {
      if (!(err instanceof LintError)) throw err;
      problems.push(`${loaded.file}: ${err.message} – die Umfrage wird übersprungen`);
    }
  }
  return { problems, imported };
}

/** The "Standard" link of every default segment, created where missing (audited as `actor`). */
export async function ensureDefaultLinks(app: FastifyInstance, surveyId: number, actor = 'startup') {
  const existing = await app.db.select().from(links).where(and(eq(links.surveyId, surveyId), isNull(links.revokedAt)));
  const result: { segment: string; token: string }[] = [];
  for (const segment of DEFAULT_AUDIENCES) {
    const found = existing.find((l) => l.segment === segment && l.label === 'Standard');
    const link = found ?? (await createLink(app.db, { surveyId, segment, label: 'Standard' }, actor));
    result.push({ segment, token: link.token });
  }
  return result;
}

/** On the very first start, a researcher token is written to DATA_DIR/researcher-token.txt (mode 600). */
async function ensureResearcherToken(app: FastifyInstance): Promise<string> {
  const [any] = await app.db.select({ id: apiTokens.id }).from(apiTokens).where(isNull(apiTokens.revokedAt)).limit(1);
  const file = path.join(app.config.dataDir, 'researcher-token.txt');
  if (!any && app.config.dataDir !== 'memory://') {
    const { token } = await createToken(app.db, 'researcher', 'erster Start', 'startup');
    fs.mkdirSync(app.config.dataDir, { recursive: true });
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  return fs.existsSync(file)
    ? `Forschungs-Token: in ${file} (weitere mit npx befund token create --role researcher)`
    : 'Forschungs-Token: npx befund token create --role researcher';
}

export async function prepareStudy(app: FastifyInstance): Promise<StudySummary> {
  const { problems, imported } = await importDefinitionsFolder(app);
  const surveys: StudySummary['surveys'] = [];
  for (const s of imported) surveys.push({ slug: s.slug, version: s.version, links: await ensureDefaultLinks(app, s.surveyId) });
  const tokenHint = await ensureResearcherToken(app);
  const db = app.config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `eingebettete Datenbank in ${app.config.dataDir}`;
  return {
    problems,
    surveys,
    tokenHint,
    describe(base, ms) {
      const lines = [`Befund läuft auf ${base} (${db}, bereit nach ${(ms / 1000).toFixed(1).replace('.', ',')} s)`, ''];
      for (const s of surveys) {
        lines.push(`Umfrage ${s.slug} (Version ${s.version})`);
        for (const l of s.links) lines.push(`  Teilnahme-Link ${l.segment.padEnd(14)} ${base}/s/${l.token}`);
        for (const l of s.links) lines.push(`  Bericht ${l.segment.padEnd(21)} ${base}/reports/${s.slug}/${l.segment}`);
      }
      lines.push('', `  Verwaltung: ${base}/admin`, `  ${tokenHint}`, `  Status: ${base}/healthz`);
      for (const p of problems) lines.push(`Warnung: ${p}`);
      return lines.join('\n');
    },
  };
}
