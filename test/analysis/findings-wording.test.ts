// Issue 11, part 2: key findings that are true and read well, checked on generated findings for
// five surveys (the three fixtures and both demos) with synthetic answers per segment (leaning
// differently, as `befund demo` does) and with one segment made small so that items are hidden.
//  - scope: a finding names whose answers it reads, and its figures are those of that scope;
//  - protection: where an item of the finding's question is hidden, the finding says so;
//  - grammar: the verb agrees with the label(s) — checked against a hand-made list of every
//    label of these surveys (german.ts is the code under test, the list is the reference).
import { readFileSync } from 'node:fs';
import t from 'tap';
import { loadProfile } from '../../analysis/profiles/index.ts';
import { buildReport } from '../../analysis/report/build.ts';
import { grammaticalNumber } from '../../analysis/report/german.ts';
import type { QuestionResult, ReportModel } from '../../analysis/report/model.ts';
import { isHidden } from '../../analysis/report/context.ts';
import { extractOpenTexts, extractValues } from '../../analysis/extract.ts';
import type { AggregatedData } from '../../analysis/types.ts';
import { buildCatalogue } from '../../surveys/catalogue.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';

/** Every noun-phrase label of the fixtures and demos, with its grammatical number (by a person). */
const SINGULAR = [
  'Handwerk', 'Handel', 'Industrie', 'Dienstleistung', 'Gastgewerbe', 'Ausbildungsberatung', 'Rechtsauskunft', 'Weiterbildung', 'Interessenvertretung',
  'Telefon', 'E-Mail', 'Vor Ort', 'Veranstaltung', 'Online-Portal', 'Anderer Weg', 'Zeitmangel', 'Angebote sind unbekannt', 'Passen nicht zu meinem Betrieb',
  'Nichts', 'Fachkräfte gewinnen', 'Bürokratie abbauen', 'Unternehmensnachfolge', 'Produktion', 'Verwaltung', 'Vertrieb', 'Leitung', 'Lage der Arbeitszeit',
  'Erreichbarkeit nach Feierabend', 'Planbarkeit von Schichten und Terminen', 'Gleitzeit', 'Mobiles Arbeiten', 'Teilzeit', 'Kurzzeitige Freistellung',
  'Wenig Verständnis im Team', 'Nichts davon', 'Externe Beratung', 'Austausch mit Kolleginnen und Kollegen', 'Inhaber/in oder Geschäftsführung',
  'Arbeitnehmervertretung', 'Fachkraft ohne Leitungsaufgabe', 'Deutsch als Arbeitssprache', 'Zeitmangel im Tagesgeschäft', 'Keine Vertretung während der Kurse',
  'Angebote passen nicht zum Betrieb', 'Beratung zu Fördermitteln', 'Hilfe bei der Bedarfsanalyse', 'Zuschuss zur Freistellung', 'Präsenzkurs',
  'Lernen am Arbeitsplatz', 'Verband', 'Beratung', 'Gewerkschaft / Beratungsstelle', 'Forschungsinstitut', 'Kammer (IHK, HWK)', 'Unternehmen (KMU)', 'Betriebsrat',
  'persönlicher Austausch', 'KI erkennen, bewerten und einführen', 'Lieferkettensorgfaltspflicht (LkSG)', 'Vereinbarkeit von Beruf und Pflege',
  'Vielfalt / Diversity', 'Fachkräftesicherung', 'fehlende Zeit in den Betrieben', 'zu wissenschaftliche Sprache', 'geringer Praxisbezug',
  'fehlendes Personal für die Umsetzung', 'Energie und Ressourcen sparen', 'INQA-Lernwelt / Selbstlernmodule', 'Telefon', 'Fachkraft',
];
const PLURAL = [
  'Anwendungen künstlicher Intelligenz', 'Websites', 'Veranstaltungen', 'Fachzeitschriften', 'Sonstige Kanäle', 'Sicherheit und Gesundheit',
  'Klimawandel und Energiesparen', 'Finanzen und Liquidität', 'Kosten der Umsetzung', 'keine Hemmnisse', 'Checks zur Selbstbewertung', 'Praxishilfen',
  'Workshops', 'Kurzfassungen / Factsheets', 'Wegezeiten', 'Starre Schichtpläne', 'Fehlende Informationen', 'Finanzielle Einbußen', 'Betriebliche Pflegelotsen',
  'Langzeitkonten', 'Digitale Dienste', 'Digitale Werkzeuge im Arbeitsalltag', 'Führung und Zusammenarbeit', 'Lange Anfahrtswege', 'Lernverbünde mit anderen Betrieben',
  'Selbstlernmodule', 'Webinare', 'Kosten', 'Technik und IT', 'Keine passenden Angebote', 'Zu hohe Kosten', 'Fehlende Ansprechpartner', 'Kurse', 'Zu wenige Fachkräfte',
];
/** Labels a German reader may take either way ("Newsletter" as one channel or many); any verb is right. */
const EITHER = ['Newsletter', 'Ergebnisse schwer auffindbar', 'Sonstige', 'Personalverantwortliche'];
const NUMBER = new Map<string, string>([...SINGULAR.map((l) => [l, 'singular'] as const), ...PLURAL.map((l) => [l, 'plural'] as const)]);

t.test('the grammatical number of every label in the list', async (t) => {
  for (const [label, number] of NUMBER) t.equal(grammaticalNumber(label), number, label);
});

const SURVEYS = ['test/fixtures/survey-pflege-beruf.json', 'test/fixtures/survey-kammer-mitglieder.json', 'test/fixtures/survey-weiterbildung-betrieb.json', 'surveys/definitions/om-partner-befragung.json', 'surveys/definitions/om-check-umweltschutz.json'];
const LEAN: Record<string, number> = { intermediary: 0.4, sme: -0.3, works_council: 0.05 };
const NAMES: Record<string, string> = { intermediary: 'Intermediäre', sme: 'KMU', works_council: 'Betriebsräte' };

/** Aggregates synthetic complete responses in memory, as the database does (one link per segment). */
function generate(file: string, sizes: Record<string, number>, seed: number) {
  const definition = JSON.parse(readFileSync(file, 'utf8'));
  const catalogue = buildCatalogue(definition);
  const model = syntheticModel(definition);
  const rnd = seededRandom(seed);
  const counts = new Map<string, number>();
  const data: AggregatedData = { bases: [], counts: [], openTexts: [] };
  for (const [segment, n] of Object.entries(sizes)) {
    data.bases.push({ segment, linkLabel: 'Standard', n });
    for (let i = 0; i < n; i++) {
      const answers = syntheticResponse(model, rnd, { lean: LEAN[segment] });
      for (const v of extractValues(catalogue, answers)) {
        const key = JSON.stringify([v.variable, v.value, segment]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const x of extractOpenTexts(catalogue, answers)) data.openTexts.push({ ...x, segment, linkLabel: 'Standard' });
    }
  }
  for (const [key, n] of counts) {
    const [variable, value, segment] = JSON.parse(key);
    data.counts.push({ variable, value, segment, linkLabel: 'Standard', n });
  }
  return { catalogue, data, title: definition.title.de as string };
}

const report = (g: ReturnType<typeof generate>, audience: string): ReportModel => buildReport({ catalogue: g.catalogue, data: g.data, profile: loadProfile(audience), minGroupSize: 5, locale: 'de' });

/** The labels a finding lists, in the order the sentence names them. */
function labelsIn(text: string, q: QuestionResult): string[] {
  const labels = [...(q.rows ?? []).map((r) => r.label.de), ...(q.options ?? []).map((o) => o.label.de), ...(q.ranking ?? []).map((i) => i.label.de)];
  const at = (l: string) => Math.max(text.indexOf(`${l} (`), text.indexOf(`„${l.replace(/\.$/, '')}“ (`));
  return labels.filter((l) => at(l) >= 0).sort((a, b) => at(a) - at(b));
}

const allQuestions = (r: ReportModel) => new Map(r.sections.flatMap((s) => s.questions).map((q) => [q.name, q]));

for (const [i, file] of SURVEYS.entries()) {
  const g = generate(file, { intermediary: 90, sme: 70, works_council: 60 }, 300 + i);
  t.test(`${g.title}: findings name their scope, agree in number and read true figures`, async (t) => {
    for (const audience of ['intermediary', 'sme', 'works_council']) {
      const r = report(g, audience);
      const questions = allQuestions(r);
      for (const k of r.summary) {
        const text = k.text.de;
        const q = questions.get(k.questions[0]) as QuestionResult;
        if (k.rule === 'largest-difference') {
          t.match(text, /\(Vergleich: /, `${audience}: a comparison says it compares: ${text}`);
          continue;
        }
        // whose answers: own segment by default; the intermediary profile pools on purpose and says so
        if (audience === 'intermediary') t.match(text, /\(Antworten der Intermediäre, KMU und Betriebsräte zusammengenommen\)/, `${audience}: ${text}`);
        else t.match(text, new RegExp(`\\(Antworten der ${NAMES[audience]}\\)`), `${audience}: own scope named: ${text}`);
        const labels = labelsIn(text, q);
        const verbs = text.match(/\b(wird|werden)\b/g) ?? [];
        if (k.rule === 'top-box' || labels.length === 0) continue;
        t.ok(verbs.length >= 1, `${audience}: a verb in ${text}`);
        const want = labels.length > 1 ? 'plural' : NUMBER.get(labels[0]);
        if (!want) {
          t.ok(EITHER.includes(labels[0]), `label "${labels[0]}" is in the reference list`);
          continue;
        }
        t.equal(verbs[0], want === 'plural' ? 'werden' : 'wird', `${audience}: "${verbs[0]}" agrees with ${labels.join(' + ')}`);
      }
      t.notOk(r.summary.some((k) => /\b(ist|wird) es\b|setzen es\b/.test(k.text.de)), `${audience}: no pronoun of a guessed gender`);
    }
  });

  t.test(`${g.title}: a works-council finding reads works councils' answers only`, async (t) => {
    const wc = report(g, 'works_council');
    const top = wc.summary.find((k) => k.rule === 'top-rated' || k.rule === 'most-chosen');
    if (!top) return t.pass('no top-rated or most-chosen rule applies to this survey');
    // the survey with the works councils' answers alone
    const alone = buildReport({ catalogue: g.catalogue, data: { ...g.data, bases: g.data.bases.filter((b) => b.segment === 'works_council'), counts: g.data.counts.filter((c) => c.segment === 'works_council'), openTexts: [] }, profile: loadProfile('works_council'), minGroupSize: 5 });
    const q = allQuestions(alone).get(top.questions[0]) as QuestionResult;
    // each share the finding names is the works councils' own share
    const shares = [...top.text.de.matchAll(/\((\d+)\s%/g)].map((m) => Number(m[1]));
    const own = [...(q.rows ?? []).map((r) => (r.ordinal && !isHidden(r.ordinal) ? Math.round(100 * (r.ordinal as { top2Share: number }).top2Share) : -1)), ...(q.options ?? []).map((o) => (typeof o.percent === 'number' ? Math.round(o.percent) : -1))];
    t.ok(shares.length > 0 && shares.every((s) => own.includes(s)), `${top.text.de} — figures of works councils alone: ${own.join(', ')}`);
  });
}

t.test('a finding says so when an item or its whole question is hidden to protect small groups', async (t) => {
  // 6 works councils: many of their cells fall under 5
  const g = generate('test/fixtures/survey-weiterbildung-betrieb.json', { intermediary: 60, sme: 50, works_council: 6 }, 77);
  const wc = report(g, 'works_council');
  const texts = wc.summary.map((k) => k.text.de);
  t.ok(texts.length >= 2, texts.join('\n'));
  t.ok(
    texts.some((x) => /(Ein weiterer Punkt wird|weitere Punkte werden) zum Schutz kleiner Gruppen nicht gezeigt|Dieses Ergebnis wird zum Schutz kleiner Gruppen nicht gezeigt/.test(x)),
    `a hidden item is named, not skipped:\n${texts.join('\n')}`,
  );
  for (const k of wc.summary) {
    if (k.rule === 'largest-difference') continue;
    const q = allQuestions(wc).get(k.questions[0]) as QuestionResult;
    t.ok(q, `${k.questions[0]} is in the report`);
  }
});
