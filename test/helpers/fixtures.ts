// Small real surveys and links for route tests, created through the same repositories the
// server uses.
import type { FastifyInstance } from 'fastify';
import { createLink, type LinkInput } from '../../server/repositories/links.ts';
import { importSurvey } from '../../server/repositories/surveys.ts';
import { createToken } from '../../server/repositories/tokens.ts';

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
