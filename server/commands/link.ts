// `befund link create --survey S --audience A [--label L] [--max N] [--opens ISO] [--closes ISO]`
import { UserError } from '../errors.ts';
import { createLink } from '../repositories/links.ts';
import { findSurvey } from '../repositories/surveys.ts';
import { LinkInputSchema } from '../routes/surveys.ts';
import { output, parse, required, withApp } from './common.ts';

const USAGE = 'befund link create --survey S --audience intermediary|sme|works_council [--label L] [--max N] [--opens ISO] [--closes ISO] [--one-per-browser]';

export default async function link(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      survey: { type: 'string' },
      audience: { type: 'string' },
      label: { type: 'string' },
      max: { type: 'string' },
      opens: { type: 'string' },
      closes: { type: 'string' },
      'one-per-browser': { type: 'boolean' },
    },
    USAGE,
  );
  if (positionals[0] !== 'create') throw new UserError(`Aufruf: ${USAGE}`);
  const slug = required(values.survey as string | undefined, '--survey', USAGE);
  const input = LinkInputSchema.safeParse({
    audience: required(values.audience as string | undefined, '--audience', USAGE),
    label: values.label,
    max: values.max === undefined ? undefined : Number(values.max),
    opens: values.opens,
    closes: values.closes,
    oneResponsePerBrowser: values['one-per-browser'] ?? false,
  });
  if (!input.success) throw new UserError(input.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  const b = input.data;
  const result = await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    const l = await createLink(app.db, { surveyId: survey.id, segment: b.audience, label: b.label, maxResponses: b.max, opensAt: b.opens, closesAt: b.closes, oneResponsePerBrowser: b.oneResponsePerBrowser }, 'cli');
    return { token: l.token, url: `${app.config.publicUrl}/s/${l.token}` };
  });
  output(values.json, result, result.url);
}
