// The studies the attacker runs on: the demo survey with a works-council group of 6 (as in
// issue 12: 170 intermediaries, 123 SMEs of which 3 through a partner link, works councils 4 + 2
// over two link labels) and random studies; plus "information kept" against the same study
// without the small works-council group.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { fetchReport, injectGet } from './fetch.ts';
import { randomPlan } from './random.ts';
import { type RunOptions, type RunSummary, runAttack, shownFigures } from './run.ts';
import { createStudy, type StudyPlan } from './study.ts';

const DEMO = new URL('../../surveys/definitions/om-partner-befragung.json', import.meta.url);

export function demoPlan(o: { worksCouncil: boolean; scale?: number; slug?: string }): StudyPlan {
  const s = o.scale ?? 1;
  const groups = [
    { segment: 'intermediary', label: 'Standard', n: Math.round(170 * s) },
    { segment: 'sme', label: 'Standard', n: Math.round(120 * s) },
    { segment: 'sme', label: 'Partner', n: 3 },
    // last, so that the answers of everyone else are the same with and without them
    ...(o.worksCouncil
      ? [
          { segment: 'works_council', label: 'nord', n: 4 },
          { segment: 'works_council', label: 'sued', n: 2 },
        ]
      : []),
  ];
  return {
    slug: o.slug ?? (o.worksCouncil ? 'demo-angriff' : 'demo-ohne-br'),
    definition: JSON.parse(readFileSync(DEMO, 'utf8')),
    groups,
    seed: 1,
    lean: { intermediary: 0.35, sme: -0.25, works_council: 0.05 },
  };
}

export interface Scenario {
  name: string;
  plan: StudyPlan;
  posted: number;
  summary: RunSummary;
}

export async function runScenario(app: FastifyInstance, name: string, plan: StudyPlan, o: RunOptions): Promise<Scenario> {
  const study = await createStudy(app, plan);
  const summary = await runAttack(app, study, plan, o);
  const side = summary.side.reduce((a, f) => a + f.values, 0);
  console.error(`  ${name}: ${study.posted} responses, ${summary.recovered.length} counts + ${side} other values recovered, ${summary.undecided} undecided, ${summary.seconds.toFixed(0)} s`);
  return { name, plan, posted: study.posted, summary };
}

export async function randomScenarios(app: FastifyInstance, count: number, firstSeed: number, maxLabels: number, o: RunOptions): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    const plan = randomPlan(firstSeed + i, { maxLabels });
    const wc = plan.groups.find((g) => g.segment === 'works_council');
    out.push(await runScenario(app, `random ${firstSeed + i}`, plan, { ...o, temporal: wc ? { group: `${wc.segment}|${wc.label}`, count: o.k } : undefined }));
  }
  return out;
}

export interface Kept {
  audience: string;
  shown: number;
  shownWithout: number;
}

/** Shown count figures of each unfiltered report, with and without the works-council group. */
export async function informationKept(app: FastifyInstance, scale = 1): Promise<Kept[]> {
  const get = injectGet(app);
  const withWc = await createStudy(app, demoPlan({ worksCouncil: true, scale, slug: 'demo-mit-br-info' }));
  const without = await createStudy(app, demoPlan({ worksCouncil: false, scale, slug: 'demo-ohne-br-info' }));
  const u = { segments: ['intermediary', 'sme', 'works_council'], labels: ['', 'Partner', 'Standard', 'nord', 'sued'] };
  const out: Kept[] = [];
  for (const audience of ['sme', 'intermediary']) {
    const none = { segments: [], labels: [] };
    const a = await fetchReport(get, withWc.slug, audience, withWc.keys[audience], none);
    const b = await fetchReport(get, without.slug, audience, without.keys[audience], none);
    out.push({ audience, shown: a.report ? shownFigures(u, a) : 0, shownWithout: b.report ? shownFigures(u, b) : 0 });
  }
  return out;
}

/** One line per scenario for a table. */
export function describe(s: Scenario): (string | number)[] {
  const r = s.summary;
  const primary = r.recovered.filter((f) => f.primary).length;
  const exact = r.recovered.filter((f) => f.bound && f.bound.outerLo === f.bound.outerHi).length;
  const side = new Map<string, number>();
  for (const f of r.side) side.set(f.attack, (side.get(f.attack) ?? 0) + f.values);
  return [
    s.name,
    s.posted,
    `${r.reports}/${r.reports + r.refused}`,
    r.published,
    r.protected,
    `${r.recovered.length} (${primary} primary, ${exact} exact)`,
    Object.entries(r.byClass)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '–',
    [...side].map(([k, v]) => `${k} ${v}`).join(', ') || '–',
    r.undecided,
    r.modelErrors.length + r.infeasible.length,
    `${r.seconds.toFixed(0)} s`,
  ];
}

export const HEADER = ['study', 'responses', 'reports (shown/asked)', 'figures published', 'protected', 'recovered (IP: width < k)', 'IP attack class', 'other values recovered', 'undecided', 'model errors', 'time'];
