// Small real surveys and links for route tests, created through the same repositories the
// server uses.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createLink, type LinkInput } from '../../server/repositories/links.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { importSurvey } from '../../server/repositories/surveys.ts';
import { createToken } from '../../server/repositories/tokens.ts';
import { syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';

/** Two pages, a required choice, a visibleIf follow-up, a checkbox with other and a rating. */
export const smallSurvey = {
  title: { de: 'Kleine Testumfrage', en: 'Small test survey' },
  pages: [
    {
      name: 'p1',
      elements: [
        {
          type: 'radiogroup',
          name: 'org',
          title: { de: 'Organisation', en: 'Organisation' },
          isRequired: true,
          choices: [
            { value: 'kammer', text: { de: 'Kammer', en: 'Chamber' } },
            { value: 'verband', text: { de: 'Verband', en: 'Association' } },
          ],
        },
        { type: 'comment', name: 'why', title: { de: 'Warum?', en: 'Why?' }, visibleIf: "{org} = 'kammer'" },
      ],
    },
    {
      name: 'p2',
      elements: [
        {
          type: 'checkbox',
          name: 'channels',
          title: { de: 'Kanäle', en: 'Channels' },
          showOtherItem: true,
          choices: [
            { value: 'web', text: { de: 'Websites', en: 'Websites' } },
            { value: 'news', text: { de: 'Newsletter', en: 'Newsletters' } },
          ],
        },
        { type: 'rating', name: 'satisfaction', title: { de: 'Zufriedenheit', en: 'Satisfaction' }, rateMin: 1, rateMax: 5 },
      ],
    },
  ],
};

export async function seedSurvey(app: FastifyInstance, slug = 'klein', definition: Record<string, unknown> = smallSurvey) {
  return importSurvey(app.db, { slug, definition }, 'test');
}

export async function seedLink(app: FastifyInstance, surveyId: number, input: Partial<LinkInput> = {}) {
  return createLink(app.db, { surveyId, segment: 'sme', label: 'Test', ...input }, 'test');
}

export async function researcherHeaders(app: FastifyInstance, role: 'researcher' | 'admin' = 'researcher') {
  const { token } = await createToken(app.db, role, `test-${role}`, 'test');
  return { authorization: `Bearer ${token}` };
}

/** How each segment leans on ordinal questions in generated answers (as `befund demo` does). */
export const SEGMENT_LEAN: Record<string, number> = { intermediary: 0.35, sme: -0.25, works_council: 0.05 };

/**
 * A study on a fixture survey (test/fixtures/<fixture>.json): imported, one "Standard" link per
 * segment, and `count` generated answers (surveys/synthetic.ts, leaning per segment) that passed
 * the survey's own validator, spread over the links in turn.
 */
export async function seedFixtureStudy(app: FastifyInstance, fixture: string, count: number, rnd: () => number, segments = Object.keys(SEGMENT_LEAN)) {
  const definition = JSON.parse(readFileSync(`test/fixtures/${fixture}.json`, 'utf8')) as Record<string, unknown>;
  const { surveyId, versionId } = await seedSurvey(app, fixture, definition);
  const version = await app.versions.get(versionId);
  const links = await Promise.all(segments.map((segment) => seedLink(app, surveyId, { segment, label: 'Standard' })));
  const model = syntheticModel(definition);
  let stored = 0;
  for (let attempt = 0; stored < count && attempt < 4 * count; attempt++) {
    const link = links[stored % links.length];
    const verdict = version.validator.validate(syntheticResponse(model, rnd, { lean: SEGMENT_LEAN[link.segment] ?? 0 }), { complete: true, locale: 'de' });
    if (!verdict.ok) continue;
    await insertResponse(app.db, { id: randomUUID(), surveyId, versionId, catalogue: version.catalogue, link, data: verdict.data, complete: true, locale: 'de' });
    stored++;
  }
  if (stored < count) throw new Error(`${fixture}: only ${stored} generated responses passed the validator`);
  return { definition, surveyId, versionId, version, links };
}
