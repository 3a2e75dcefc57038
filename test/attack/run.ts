// One attack run on one study: collect the published set with the share keys, bound every
// protected count, run the side attacks, optionally read again after one more response.
import type { FastifyInstance } from 'fastify';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { type AttackResult, attack, type Finding, universeOf } from './attack.ts';
import { requiredQuestions } from './definition.ts';
import { collect, type FilterPlan, injectGet, type Published } from './fetch.ts';
import { type Fig, figuresOf, isCount, type Universe } from './figures.ts';
import { numberAttacks, type SideFinding, scopedSummaries, temporalAttack, textAttacks } from './side.ts';
import { postResponse, type Study, type StudyPlan } from './study.ts';
import { truthOf } from './truth.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';

export interface RunOptions {
  plan: FilterPlan;
  k: number;
  timeLimit?: number;
  budget?: number;
  /** Also attack each unfiltered report alone and each key alone, to name the attack class. */
  classes?: boolean;
  /**
   * A second reading: post `count` responses to the group "segment|label", publish a new release
   * as the researcher (what the automatic release does once every changed group gained ≥ k),
   * and read the unfiltered reports again.
   */
  temporal?: { group: string; count: number };
  /** Check the model against the posted responses. */
  checkTruth?: boolean;
  /** Ignore what the public definition says about required questions (to compare). */
  ignoreRequired?: boolean;
}

export interface RunSummary {
  requests: number;
  reports: number;
  refused: number;
  published: number;
  protected: number;
  recovered: Finding[];
  /** Recovered figures by class: within one report, with one key's filters, across keys. */
  byClass: Record<string, number>;
  undecided: number;
  side: SideFinding[];
  modelErrors: string[];
  infeasible: string[];
  seconds: number;
  attackSeconds: number;
}

export const recoveredOf = (r: AttackResult) => r.findings.filter((f) => f.verdict === 'recovered');

export async function runAttack(app: FastifyInstance, study: Study, plan: StudyPlan, o: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const get = injectGet(app);
  const c = await collect(get, study.slug, study.keys, o.plan);
  const u: Universe = universeOf(c.published, Object.values(c.options).flatMap((x) => x.labels));
  // the definition is public (the respondent page serves it)
  const required = o.ignoreRequired ? new Set<string>() : requiredQuestions(plan.definition);
  const all = await attack(c.published, u, { k: o.k, timeLimit: o.timeLimit, budget: o.budget, required, truth: o.checkTruth ? (f) => truthOf(f, study.truth, u) : undefined });
  const recovered = recoveredOf(all);
  const byClass: Record<string, number> = {};
  if (o.classes && recovered.length) {
    const inReport = new Set<string>();
    const inKey = new Set<string>();
    for (const audience of Object.keys(study.keys)) {
      const mine = c.published.filter((p) => p.audience === audience);
      for (const f of recoveredOf(await attack(mine, u, { k: o.k, timeLimit: o.timeLimit, required }))) inKey.add(f.key);
      const alone = mine.filter((p) => p.filters.segments.length + p.filters.labels.length === 0);
      for (const f of recoveredOf(await attack(alone, u, { k: o.k, timeLimit: o.timeLimit, required }))) inReport.add(f.key);
    }
    for (const f of recovered) {
      const cls = inReport.has(f.key) ? 'one unfiltered report' : inKey.has(f.key) ? "one key's filters" : 'across keys';
      byClass[cls] = (byClass[cls] ?? 0) + 1;
    }
  }
  const { numbers, texts } = scopedSummaries(u, c.published);
  const side = [...numberAttacks(numbers), ...textAttacks(texts, o.k)];
  if (o.temporal) {
    const before = c.published.filter((p) => p.filters.segments.length + p.filters.labels.length === 0);
    const token = study.tokens[o.temporal.group];
    const model = syntheticModel(plan.definition);
    const rnd = seededRandom(plan.seed + 1_000_003);
    for (let i = 0, tries = 0; i < o.temporal.count && tries < 3 * o.temporal.count + 10; tries++) if (await postResponse(app, token, syntheticResponse(model, rnd, { lean: 0 }))) i++;
    const res = await app.inject({ method: 'POST', url: `/api/v1/surveys/${study.slug}/releases`, headers: await researcherHeaders(app) });
    if (res.statusCode >= 300 && res.statusCode !== 404) throw new Error(`release → ${res.statusCode}: ${res.body.slice(0, 200)}`);
    const after = await collect(get, study.slug, study.keys, 'none');
    side.push(...temporalAttack(u, before, after.published, o.k));
  }
  return {
    requests: c.requests,
    reports: c.published.filter((p) => p.report).length,
    refused: c.published.filter((p) => !p.report).length,
    published: all.published,
    protected: all.protected,
    recovered,
    byClass,
    undecided: all.findings.filter((f) => f.verdict === 'undecided').length,
    side,
    modelErrors: all.modelErrors,
    infeasible: all.infeasible,
    seconds: (Date.now() - started) / 1000,
    attackSeconds: all.seconds,
  };
}

/** Shown count figures of one unfiltered report (for "information kept"). */
/** A count figure of a question (not a response total, not a share or mean). */
export const isCountFigure = (f: Fig) => isCount(f) && f.variable !== '*';

export function shownFigures(u: Universe, p: Published): number {
  return figuresOf(u, p).filter((f) => isCountFigure(f) && f.value !== null).length;
}
