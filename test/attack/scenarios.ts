// The studies the attacker runs on: the demo survey with a works-council group of 6 (as in
// issue 12: 170 intermediaries, 123 SMEs of which 3 through a partner link, works councils 4 + 2
// over two link labels) and random studies; plus "information kept" against the same study
// without the small works-council group.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { fetchReport, injectGet } from './fetch.ts';
import { type Fig, figuresOf } from './figures.ts';
import { randomPlan } from './random.ts';
import { isCountFigure, type RunOptions, type RunSummary, runAttack, shownFigures } from './run.ts';
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
  /** Count figures shown with the works-council group (its own column included). */
  shown: number;
  /** Count figures shown without the group. */
  shownWithout: number;
  /** Of those, the ones still shown with the group: the same figure at the same place. */
  keptSame: number;
  /**
   * Of the lost ones, those no protection could keep: in a row whose works-council cell is a
   * small count (1 … k − 1, hidden as primary) and whose overall and other segments' cells the
   * report shows, one of them must go, or the row's total minus the shown cells gives that small
   * cell. Counted once per number (a count shown twice, in the table and in the options, is one).
   */
  forced: number;
}

/** A figure's place in a report, without the audience and filters it was read with. */
const placeOf = (f: Fig) => f.where.replace(/^[^:]*: /, '');
/** The row a count figure belongs to and the value it counts: `q.row|x`, or null. */
function rowOf(place: string): { row: string; value: string; segment?: string } | null {
  const m = place.match(/^(.*?)(?:\.comparison\(segment\)\.(\w+)|\.bySegment\.(\w+))?\.(?:counts\.([^.]+(?:\.chosen)?)|options\.([^.]+(?:\.chosen)?)\.count)$/);
  return m ? { row: m[1], value: m[4] ?? m[5], segment: m[2] ?? m[3] } : null;
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
    const withGroup = new Map(figuresOf(u, a).filter(isCountFigure).map((f) => [placeOf(f), f]));
    const withoutGroup = figuresOf(u, b).filter((f) => isCountFigure(f) && f.value !== null);
    const lost = withoutGroup.filter((f) => withGroup.get(placeOf(f))?.value == null);
    const forcedNumbers = new Set<string>();
    for (const f of lost) {
      const r = rowOf(placeOf(f));
      if (!r) continue;
      const wc = withGroup.get(`${r.row}.comparison(segment).works_council.counts.${r.value}`) ?? withGroup.get(`${r.row}.bySegment.works_council.counts.${r.value}`);
      if (wc && wc.value === null && wc.reason === 'small-cell') forcedNumbers.add(`${r.row}|${r.value}`);
    }
    out.push({
      audience,
      shown: a.report ? shownFigures(u, a) : 0,
      shownWithout: withoutGroup.length,
      keptSame: withoutGroup.length - lost.length,
      forced: forcedNumbers.size,
    });
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
