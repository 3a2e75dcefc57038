// `befund release publish --survey S`: publishes what the survey's share links show from now on;
// `befund release list --survey S`: its releases and what each group gained since the current one.
import { UserError } from '../errors.ts';
import { listReleases, publishRelease, readyToRelease, releaseGrowth, smallGrowth } from '../repositories/releases.ts';
import { findSurvey } from '../repositories/surveys.ts';
import { output, parse, required, withApp } from './common.ts';

const USAGE = 'befund release publish --survey S | befund release list --survey S';

const when = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

export default async function release(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { survey: { type: 'string' } }, USAGE);
  const action = positionals[0];
  if (action !== 'publish' && action !== 'list') throw new UserError(`Aufruf: ${USAGE}`);
  const slug = required(values.survey as string | undefined, '--survey', USAGE);
  await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    if (action === 'publish') {
      const small = smallGrowth(await releaseGrowth(app.db, survey.id), app.config.minGroupSize);
      const r = await publishRelease(app.db, survey.id, 'cli', 'manual');
      const warning = small.length
        ? `\nAchtung: In ${small.map((g) => `${g.segment}${g.linkLabel ? ` / ${g.linkLabel}` : ''} (+${g.added})`).join(', ')} kamen weniger als ${app.config.minGroupSize} Antworten hinzu; wer den vorigen Stand kennt, sieht deren Antworten als Differenz.`
        : '';
      output(values.json, { ...r, smallGroups: small }, `Stand ${r.id} veröffentlicht: ${r.responses} Antworten. Alle Freigabelinks von "${slug}" zeigen ab jetzt diesen Stand.${warning}`);
      return;
    }
    const [releases, groups] = await Promise.all([listReleases(app.db, survey.id), releaseGrowth(app.db, survey.id)]);
    const due = releases.length > 0 && readyToRelease(groups, app.config.minGroupSize);
    const lines = releases.map((r) => `${r.id}\t${when(r.publishedAt)} UTC\t${r.reason}\t${r.responses} Antworten${r.erased ? `, ${r.erased} seitdem gelöscht` : ''}`);
    const growth = groups.filter((g) => g.live !== g.released).map((g) => `  ${g.segment}${g.linkLabel ? ` / ${g.linkLabel}` : ''}: +${g.live - g.released}`);
    const human = [
      lines.length ? lines.join('\n') : 'Noch kein Stand veröffentlicht (der erste entsteht beim ersten Aufruf eines Freigabelinks).',
      growth.length ? `Seit dem aktuellen Stand neu (automatisch veröffentlicht wird, sobald jede geänderte Gruppe ${app.config.minGroupSize} neue hat):\n${growth.join('\n')}` : 'Seit dem aktuellen Stand nichts Neues.',
    ].join('\n');
    output(values.json, { releases, groups, autoReleaseDue: due }, human);
  });
}
