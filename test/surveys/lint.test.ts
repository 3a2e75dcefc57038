import { readFileSync } from 'node:fs';
import t from 'tap';
import { lintCoverage, lintSurvey } from '../../surveys/lint.ts';

const survey = (elements: unknown[]) => ({ title: 'T', pages: [{ name: 'p1', elements }] });

t.test('both demo definitions pass the linter', async (t) => {
  for (const f of ['om-partner-befragung', 'om-check-umweltschutz']) {
    t.same(lintSurvey(JSON.parse(readFileSync(`surveys/definitions/${f}.json`, 'utf8'))), [], f);
  }
});

t.test('an unknown question type is named', async (t) => {
  t.same(
    lintSurvey(
      survey([
        { type: 'slidr', name: 'a' },
        { type: 'text', name: 'b' },
      ]),
    ),
    [{ element: 'a', message: 'Unbekannter Fragetyp „slidr“.' }],
  );
});

t.test('an unknown property is named', async (t) => {
  t.same(lintSurvey(survey([{ type: 'text', name: 'a', isRequird: true }])), [
    { element: 'a', message: 'Unbekannte Eigenschaft „isRequird“.' },
  ]);
});

t.test('a duplicate name is reported once', async (t) => {
  t.same(
    lintSurvey(
      survey([
        { type: 'text', name: 'a' },
        { type: 'comment', name: 'a' },
      ]),
    ),
    [{ element: 'a', message: 'Der Name „a“ kommt mehrfach vor.' }],
  );
});

t.test('a broken visibleIf expression is reported with its position', async (t) => {
  t.same(
    lintSurvey(
      survey([
        { type: 'text', name: 'a' },
        { type: 'text', name: 'b', visibleIf: '{a} = ' },
      ]),
    ),
    [{ element: 'b', message: 'Ungültiger Ausdruck in „visibleIf“: „{a} = “ (Fehler an Stelle 7).' }],
  );
});

t.test('references to unknown questions are named, in conditions and in texts', async (t) => {
  t.same(lintSurvey(survey([{ type: 'text', name: 'a', enableIf: '{zz} = 1', title: 'Hallo {vorname}' }])), [
    { element: 'a', message: '„enableIf“ bezieht sich auf die unbekannte Frage „{zz}“.' },
    { element: 'a', message: '„title“ bezieht sich auf die unbekannte Frage „{vorname}“.' },
  ]);
});

t.test('panel and row variables are known inside dynamic panels', async (t) => {
  const json = survey([
    {
      type: 'paneldynamic',
      name: 'p',
      templateElements: [
        { type: 'text', name: 'x' },
        { type: 'text', name: 'y', visibleIf: '{panel.x} notempty' },
      ],
    },
  ]);
  t.same(lintSurvey(json), []);
});

t.test('a survey without questions or title is refused', async (t) => {
  t.same(lintSurvey({ pages: [{ name: 'p', elements: [{ type: 'html', name: 'h', html: 'x' }] }] }), [
    { element: 'survey', message: 'Die Umfrage hat keinen Titel („title“ fehlt).' },
    { element: 'survey', message: 'Die Umfrage enthält keine Frage.' },
  ]);
  t.same(lintSurvey('x'), [{ element: 'survey', message: 'Die Definition ist kein JSON-Objekt.' }]);
});

t.test('a befund mark is accepted; a malformed one is named', async (t) => {
  t.same(lintSurvey(survey([{ type: 'comment', name: 'a', befund: { role: 'open suggestion', audiences: ['sme'], short: { de: 'Ideen', en: 'Ideas' } } }])), []);
  const findings = lintSurvey(survey([{ type: 'comment', name: 'a', befund: { role: 'chef', colour: 'rot' } }]));
  t.equal(findings.length, 1);
  t.equal(findings[0].element, 'a');
  t.match(findings[0].message, /„befund“ ist ungültig: .*role/);
});

t.test('coverage warnings: a question no profile shows, a section and a key finding that match nothing', async (t) => {
  const json = survey([
    { type: 'matrix', name: 'm', title: 'Themen', columns: [1, 2, 3], rows: ['r1', 'r2'] },
    { type: 'rating', name: 'r', title: 'Urteil' },
    { type: 'comment', name: 'c', title: 'Anregungen', befund: { audiences: ['nobody'] } },
  ]);
  const profiles = [
    {
      audience: 'sme',
      sections: [
        { id: 'themen', match: { roles: ['topic rating' as const] } },
        { id: 'hemmnisse', match: { roles: ['barrier' as const] } },
      ],
      keyFindings: [
        { rule: 'top-rated', role: 'topic rating' },
        { rule: 'top-ranked', role: 'wish' },
      ],
    },
  ];
  const findings = lintCoverage(json, profiles);
  t.ok(findings.every((f) => f.severity === 'warning'), 'warnings only');
  t.same(
    findings.map((f) => f.element),
    ['sme/hemmnisse', 'sme/top-ranked', 'r', 'c'],
  );
  t.match(findings.find((f) => f.element === 'r')?.message, /Kein Zielgruppen-Bericht zeigt diese Frage \(Rolle „rating“\)/);
  t.same(lintSurvey(json), [], 'lintSurvey itself stays free of warnings, so imports are not blocked');
});

t.test('with the three built-in profiles, every question of the demo survey is shown somewhere', async (t) => {
  const { loadProfiles } = await import('../../analysis/profiles/index.ts');
  const demo = JSON.parse(readFileSync('surveys/definitions/om-partner-befragung.json', 'utf8'));
  const findings = lintCoverage(demo, Object.values(loadProfiles()));
  t.same(
    findings.filter((f) => !f.element.includes('/')),
    [],
    'no unshown question',
  );
});
