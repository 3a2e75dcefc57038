// Builds a study through the real HTTP routes, as a researcher and respondents would: a survey,
// one link per (segment, label), complete responses posted through the answer route, and one
// share key per audience. Nothing here reads the protection code.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';

export const AUDIENCES = ['intermediary', 'sme', 'works_council'] as const;

export interface StudyPlan {
  slug: string;
  definition: Record<string, unknown>;
  /** Responses per (segment, link label). */
  groups: { segment: string; label: string; n: number }[];
  seed: number;
  /** How each segment leans on ordinal answers (as `befund demo`). */
  lean?: Record<string, number>;
}

export interface Study {
  slug: string;
  /** Share key per audience. */
  keys: Record<string, string>;
  posted: number;
  /** Responses the validator refused and that were retried. */
  refused: number;
  /** What was posted: only to check the attacker's model, never read by the attack. */
  truth: TruthRow[];
  /** Respondent link token per "segment|label", to post a later response (a second reading). */
  tokens: Record<string, string>;
}

export interface TruthRow {
  segment: string;
  label: string;
  data: Record<string, unknown>;
}

async function call(app: FastifyInstance, method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown) {
  const res = await app.inject({ method, url, headers, payload: payload as Record<string, unknown> | undefined });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json();
}

/** One complete response through the respondent route; false if the validator refused it. */
export async function postResponse(app: FastifyInstance, token: string, data: Record<string, unknown>): Promise<boolean> {
  const res = await app.inject({ method: 'POST', url: `/api/v1/links/${token}/responses`, payload: { id: randomUUID(), data, complete: true, locale: 'de' } });
  if (res.statusCode === 422) return false;
  if (res.statusCode >= 300) throw new Error(`answer route → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return true;
}

export async function createStudy(app: FastifyInstance, plan: StudyPlan): Promise<Study> {
  const auth = await researcherHeaders(app);
  await call(app, 'POST', '/api/v1/surveys', auth, { slug: plan.slug, definition: plan.definition });
  const model = syntheticModel(plan.definition);
  const rnd = seededRandom(plan.seed);
  let posted = 0;
  let refused = 0;
  const truth: TruthRow[] = [];
  const tokens: Record<string, string> = {};
  for (const g of plan.groups) {
    if (g.n === 0) continue;
    const link = await call(app, 'POST', `/api/v1/surveys/${plan.slug}/links`, auth, { audience: g.segment, label: g.label });
    const token = String(link.token);
    tokens[`${g.segment}|${g.label}`] = token;
    for (let i = 0, tries = 0; i < g.n && tries < 3 * g.n + 10; tries++) {
      // a copy: survey-core may reuse the arrays of its model for the next response
      const data = JSON.parse(JSON.stringify(syntheticResponse(model, rnd, { lean: plan.lean?.[g.segment] ?? 0 })));
      if (await postResponse(app, token, data)) {
        truth.push({ segment: g.segment, label: g.label, data });
        i++;
        posted++;
      } else refused++;
    }
  }
  const keys: Record<string, string> = {};
  for (const audience of AUDIENCES) keys[audience] = (await call(app, 'POST', `/api/v1/surveys/${plan.slug}/shares`, auth, { audience })).key;
  return { slug: plan.slug, keys, posted, refused, truth, tokens };
}
