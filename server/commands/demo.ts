// `befund demo [--responses N] [--survey S] [--seed N]`: fills a survey with synthetic, validated
// complete responses through its default links, so a newcomer sees three filled reports.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { links } from '../db/schema.ts';
import { UserError } from '../errors.ts';
import { insertResponse } from '../repositories/responses.ts';
import { findSurvey, latestVersion } from '../repositories/surveys.ts';
import { DEFAULT_AUDIENCES, ensureDefaultLinks, prepareStudy } from '../startup.ts';
import { output, parse, withApp } from './common.ts';
import { progress } from './progress.ts';

const USAGE = 'befund demo [--responses N] [--survey S] [--seed N]';
/** How each segment leans on ordinal questions, so comparisons have something to show. */
const PERSONAS: Record<string, number> = { intermediary: 0.35, sme: -0.25, works_council: 0.05 };

export default async function demo(argv: string[]): Promise<void> {
  const { values } = parse(argv, { responses: { type: 'string' }, survey: { type: 'string' }, seed: { type: 'string' } }, USAGE);
  const n = Number(values.responses ?? 300);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UserError(`--responses muss eine ganze Zahl von 1 bis 1000000 sein. Aufruf: ${USAGE}`);
  const slug = (values.survey as string | undefined) ?? 'om-partner-befragung';
  const rnd = seededRandom(Number(values.seed ?? 42));
  const result = await withApp(async (app) => {
    await prepareStudy(app);
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    // a survey imported with `befund survey add` (not from the surveys folder) gets its links here
    await ensureDefaultLinks(app, survey.id, 'demo');
    const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
    const allLinks = await app.db.select().from(links).where(eq(links.surveyId, survey.id));
    const model = syntheticModel(version.definition);
    const bar = progress(n, values.json === true);
    let stored = 0;
    let refused = 0;
    // Bounded: the generator's answers are valid almost always; a refused one is retried.
    for (let attempt = 0; stored < n && attempt < 2 * n + 10; attempt++) {
      // Unequal group sizes, as in real studies: half intermediaries, a third SMEs, the rest works councils.
      const u = rnd();
      const segment = DEFAULT_AUDIENCES[u < 0.5 ? 0 : u < 0.83 ? 1 : 2];
      const link = allLinks.find((l) => l.segment === segment && l.label === 'Standard');
      if (!link) throw new Error(`default link for ${segment} missing`);
      const data = syntheticResponse(model, rnd, { lean: PERSONAS[segment] ?? 0 });
      const verdict = version.validator.validate(data, { complete: true, locale: 'de' });
      if (!verdict.ok) {
        refused++;
        continue;
      }
      await insertResponse(app.db, { id: randomUUID(), surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
      stored++;
      bar.tick();
    }
    bar.done();
    return { survey: slug, stored, refused };
  });
  output(values.json, result, `${result.stored} synthetische Antworten in ${slug} gespeichert${result.refused ? ` (${result.refused} vom Validator abgelehnt)` : ''}.`);
}
