// The unit is the person (issue 12): in a generated study where a few people add many
// dynamic-panel and dynamic-matrix entries, an outsider reads every audience's report with its
// share key over HTTP (data.json, every filter the page offers) and every figure of a pooled
// question is checked against the posted answers:
//  - a shown count or n is the number of distinct persons it says (who named the value in any
//    entry, who answered at all), and where it is not 0 it is at least k;
//  - a number summary is shown only from k persons on, spread and quartiles only from 2k, never
//    the minimum or maximum;
//  - an open-text list (every text approved by the researcher) is shown only where at least k
//    distinct persons in its scope wrote the texts.
// Figures hidden "zum Schutz kleiner Gruppen" (complementary) or "weniger als k" are not shown and
// not checked here: the attacker of attacker.test.ts, run on the same studies, bounds those
// (person-level unknowns, a dynamic panel's counts as persons) and must recover none. Reads only
// what an outsider reads; the posted answers are the ground truth.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { seededRandom } from '../../surveys/synthetic.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';
import { universeOf } from './attack.ts';
import { collect, injectGet, type Report } from './fetch.ts';
import { cellId, questionsOf, scope } from './figures.ts';
import { runAttack } from './run.ts';
import { AUDIENCES, postResponse } from './study.ts';

const text = (s: string) => ({ de: s, en: s });
const choices = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i + 1}`, text: text(`${prefix.toUpperCase()} ${i + 1}`) }));
const ROLE = { role: 'rating' };

const definition = {
  title: text('Kurse und Werkzeuge'),
  pages: [
    {
      name: 'p1',
      elements: [
        { type: 'radiogroup', name: 'rolle', title: text('Rolle'), isRequired: true, choices: choices('r', 2), befund: ROLE },
        {
          type: 'paneldynamic',
          name: 'kurse',
          title: text('Besuchte Kurse'),
          befund: ROLE,
          templateElements: [
            { type: 'dropdown', name: 'art', title: text('Art'), choices: choices('a', 4) },
            { type: 'text', name: 'dauer', title: text('Dauer in Stunden'), inputType: 'number', min: 0, max: 40 },
            { type: 'comment', name: 'notiz', title: text('Notiz') },
          ],
        },
        { type: 'paneldynamic', name: 'themen', title: text('Themen'), befund: ROLE, templateElements: [{ type: 'dropdown', name: 'thema', title: text('Thema'), choices: choices('t', 4) }] },
        { type: 'paneldynamic', name: 'stunden', title: text('Stunden je Woche'), befund: ROLE, templateElements: [{ type: 'text', name: 'h', title: text('Stunden'), inputType: 'number', min: 0, max: 60 }] },
        {
          type: 'matrixdynamic',
          name: 'werkzeuge',
          title: text('Werkzeuge'),
          befund: ROLE,
          rowCount: 0,
          columns: [{ name: 'tool', title: text('Werkzeug'), cellType: 'dropdown', choices: choices('w', 3) }],
        },
      ],
    },
  ],
};

/** The pooled questions: name → inner variable → the answers' shape. */
const POOLED: Record<string, { inner: string[]; texts: string[] }> = {
  kurse: { inner: ['art', 'dauer'], texts: ['notiz'] },
  themen: { inner: ['thema'], texts: [] },
  stunden: { inner: ['h'], texts: [] },
  werkzeuge: { inner: ['tool'], texts: [] },
};

interface Person {
  segment: string;
  label: string;
  data: Record<string, unknown>;
}

/**
 * One person's answers. A "heavy" person adds many entries, all naming the same rare value
 * (a4, t4, w3) and writing a note in each: counted per entry they would reach k alone.
 */
function answers(rnd: () => number, heavy: boolean): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const entries = heavy ? 5 + Math.floor(rnd() * 4) : Math.floor(rnd() * 3);
  const data: Record<string, unknown> = { rolle: pick(['r1', 'r2']) };
  const common = (p: string, n: number) => `${p}${1 + Math.floor(rnd() * n)}`;
  if (entries > 0) {
    data.kurse = Array.from({ length: entries }, () => ({
      art: heavy ? 'a4' : common('a', 3),
      dauer: heavy ? 40 : Math.floor(rnd() * 20),
      ...(heavy || rnd() < 0.5 ? { notiz: `Notiz ${randomUUID().slice(0, 6)}` } : {}),
    }));
    data.themen = Array.from({ length: entries }, () => ({ thema: heavy ? 't4' : common('t', 3) }));
    data.stunden = Array.from({ length: entries }, () => ({ h: heavy ? 60 : Math.floor(rnd() * 30) }));
    data.werkzeuge = Array.from({ length: entries }, () => ({ tool: heavy ? 'w3' : common('w', 2) }));
  }
  return data;
}

async function call(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) {
  const res = await app.inject({ method, url, headers, payload: payload as Record<string, unknown> | undefined });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json();
}

/** Posts the study; returns what was posted (the ground truth) and one share key per audience. */
async function study(app: FastifyInstance, slug: string, seed: number): Promise<{ persons: Person[]; keys: Record<string, string> }> {
  const rnd = seededRandom(seed);
  const auth = await researcherHeaders(app);
  await call(app, 'POST', '/api/v1/surveys', auth, { slug, definition });
  const persons: Person[] = [];
  // per segment: a few link labels, each with a few people, one or two of whom add many entries
  const plan: { segment: string; label: string; n: number; heavy: number }[] = [];
  for (const segment of ['intermediary', 'sme', 'works_council']) {
    const labels = 1 + Math.floor(rnd() * 3);
    for (let l = 0; l < labels; l++) plan.push({ segment, label: `L${l + 1}`, n: 3 + Math.floor(rnd() * 8), heavy: 1 + Math.floor(rnd() * 2) });
  }
  for (const g of plan) {
    const link = await call(app, 'POST', `/api/v1/surveys/${slug}/links`, auth, { audience: g.segment, label: g.label });
    for (let i = 0; i < g.n; i++) {
      const data = answers(rnd, i < g.heavy);
      if (!(await postResponse(app, String(link.token), data))) throw new Error(`refused: ${JSON.stringify(data)}`);
      persons.push({ segment: g.segment, label: g.label, data });
    }
  }
  // every open text approved, so a shared report lists whatever the protection lets through
  for (let after = 0; ; ) {
    const page = await call(app, 'GET', `/api/v1/surveys/${slug}/open-texts?limit=1000${after ? `&after=${after}` : ''}`, auth);
    for (const x of page.texts as { id: number }[]) await call(app, 'PUT', `/api/v1/surveys/${slug}/open-texts/${x.id}`, auth, { approved: true });
    if (page.next === null) break;
    after = page.next;
  }
  const keys: Record<string, string> = {};
  for (const audience of AUDIENCES) keys[audience] = (await call(app, 'POST', `/api/v1/surveys/${slug}/shares`, auth, { audience })).key;
  return { persons, keys };
}

const filled = (v: unknown) => v !== undefined && v !== null && v !== '';
const entriesOf = (p: Person, q: string) => (Array.isArray(p.data[q]) ? (p.data[q] as Record<string, unknown>[]) : []);
/** Persons among `who` who gave `inner` a value (or the value `value`) in any entry. */
const personsWith = (who: Person[], q: string, inner: string, value?: string) =>
  who.filter((p) => entriesOf(p, q).some((e) => filled(e[inner]) && (value === undefined || String(e[inner]) === value))).length;

const isNumber = (x: unknown): x is number => typeof x === 'number';

const seeds = Number(process.env.PERSONS_STUDIES ?? 3);

t.test(`every shown figure of a dynamic panel counts persons, at least k of them (${dbLabel})`, async (t) => {
  const ta = await buildTestApp();
  t.teardown(ta.cleanup);
  const k = ta.config.minGroupSize;
  let checked = 0;
  const shownPer = new Map<string, number>();
  let lists = 0;
  // shown figures that rest on 1 … k − 1 persons, and shown figures that are not the persons they say
  const small: string[] = [];
  const wrong: string[] = [];
  const attacked: string[] = [];
  let hidden = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const slug = `personen-${seed}`;
    const { persons, keys } = await study(ta.app, slug, seed);
    const a = await runAttack(
      ta.app,
      { slug, keys, posted: persons.length, refused: 0, truth: persons, tokens: {} },
      { slug, definition, groups: [], seed },
      { plan: 'full', k, timeLimit: 30, checkTruth: true },
    );
    hidden += a.protected;
    for (const f of a.recovered.filter((x) => x.primary)) attacked.push(`seed ${seed} ${f.where} (${f.reason}): [${f.bound?.outerLo}, ${f.bound?.outerHi}]`);
    for (const f of a.side) attacked.push(`seed ${seed} ${f.attack}: ${f.where}`);
    for (const e of [...a.modelErrors, ...a.infeasible]) attacked.push(`seed ${seed} model: ${e}`);
    if (a.undecided) attacked.push(`seed ${seed}: ${a.undecided} hidden counts not bounded`);
    const c = await collect(injectGet(ta.app), slug, keys, 'full');
    if (seed === 1) {
      // the page says what is counted, German first, English second
      for (const [lang, note, axis] of [
        ['', 'gezählt werden Personen, die eine Antwort in mindestens einem Eintrag nannten', 'Anteil der Personen, die die Antwort in mindestens einem Eintrag nannten'],
        ['&lang=en', 'counted are persons who gave an answer in at least one entry', 'Share of persons who gave the answer in at least one entry'],
      ]) {
        const page = await ta.app.inject({ method: 'GET', url: `/reports/${slug}/intermediary?key=${keys.intermediary}${lang}` });
        t.equal(page.statusCode, 200);
        t.ok(page.body.includes(note), `the report page${lang ? ' in English' : ''} says: ${note}`);
        const data = await ta.app.inject({ method: 'GET', url: `/reports/${slug}/intermediary/data.json?key=${keys.intermediary}${lang}` });
        t.ok(JSON.stringify(data.json().charts).includes(axis), `and its charts: ${axis}`);
        t.notOk(/\bNaN\b/.test(page.body), 'and draws every figure (no NaN)');
      }
    }
    const u = universeOf(c.published, Object.values(c.options).flatMap((x) => x.labels));
    const cellOf = (p: Person) => cellId(p.segment, u.labels.includes(p.label) ? p.label : '');
    for (const p of c.published) {
      if (!p.report) continue;
      const cells = new Set(scope(u, p.report.segments?.included ?? [], p));
      const tag = `seed ${seed} ${p.audience} ${JSON.stringify(p.filters)}`;
      const inCells = (subset: Set<string>) => persons.filter((x) => subset.has(cellOf(x)));
      const bySegment = (s: string) => new Set([...cells].filter((x) => x.startsWith(`${s}|`)));
      // a shown count: the persons it says, and 0 or at least k of them
      const count = (shown: unknown, truth: number, where: string) => {
        if (!isNumber(shown)) return;
        checked++;
        const question = where.slice(0, where.search(/\.(n|counts|options|bySegment)/));
        shownPer.set(question, (shownPer.get(question) ?? 0) + 1);
        if (shown !== truth) wrong.push(`${tag} ${where}: shows ${shown}, ${truth} persons`);
        if (shown > 0 && truth < k) small.push(`${tag} ${where}: shows ${shown} from ${truth} persons`);
      };
      // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
      const group = (g: any, who: Person[], q: string, inner: string, where: string) => {
        count(g.n, personsWith(who, q, inner), `${where}.n`);
        for (const [value, f] of Object.entries(g.counts ?? {})) count(f, personsWith(who, q, inner, value), `${where}.counts.${value}`);
        // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
        for (const o of (g.options ?? []) as any[]) count(o.count, personsWith(who, q, inner, o.value), `${where}.options.${o.value}`);
        const num = g.number;
        if (num && !num.suppressed) {
          const n = personsWith(who, q, inner);
          checked++;
          if (num.n !== n) wrong.push(`${tag} ${where}.number.n: shows ${num.n}, ${n} persons`);
          if (n < k) small.push(`${tag} ${where}.number: shown for ${n} persons`);
          if ((isNumber(num.sd) || isNumber(num.q1) || isNumber(num.median)) && n < 2 * k) small.push(`${tag} ${where}.number: spread shown for ${n} persons`);
          if (isNumber(num.min) || isNumber(num.max)) small.push(`${tag} ${where}.number: minimum or maximum shown`);
        }
        // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire
        for (const [s, sg] of Object.entries((g.comparison?.bySegment ?? {}) as Record<string, any>)) group({ ...sg, comparison: undefined }, inCells(bySegment(s)), q, inner, `${where}.bySegment.${s}`);
      };
      for (const q of questionsOf(p.report as Report)) {
        const pooled = POOLED[q.name];
        if (!pooled) continue;
        const who = inCells(cells);
        if (q.kind === 'matrix') for (const row of q.rows ?? []) group(row, who, q.name, row.key, `${q.name}.${row.key}`);
        else group(q, who, q.name, pooled.inner[0], q.name);
        if (Array.isArray(q.texts) && q.texts.length > 0) {
          lists++;
          const writers = who.filter((x) => entriesOf(x, q.name).some((e) => pooled.texts.some((v) => filled(e[v])))).length;
          if (writers < k) small.push(`${tag} ${q.name}.texts: ${q.texts.length} texts listed from ${writers} persons`);
        }
      }
    }
  }
  t.comment(`shown counts per question: ${[...shownPer].map(([q, n]) => `${q} ${n}`).join(', ')}`);
  t.ok(checked > 50, `${checked} shown figures of dynamic panels checked`);
  t.ok(lists > 0, `${lists} open-text lists of a dynamic panel shown`);
  t.ok(hidden > 0, `${hidden} hidden figures attacked`);
  t.same(attacked.slice(0, 10), [], 'the attacker recovers no primary figure and no person’s value');
  t.same(small.slice(0, 10), [], `no shown figure or text list of a dynamic panel rests on 1 … ${k - 1} persons (${small.length} found)`);
  t.same(wrong.slice(0, 10), [], `every shown count and n of a dynamic panel is the number of persons it says (${wrong.length} differ)`);
});
