import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadDefinitions, parseDefinition } from '../../surveys/load.ts';

t.test('a broken file is named with line and column, and the other file still loads', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'befund-load-'));
  await writeFile(join(dir, 'gut.json'), '{ "title": "Gut", "elements": [] }');
  await writeFile(join(dir, 'kaputt.json'), '{\n  "title": "x",\n  "pages": [,]\n}');
  await writeFile(join(dir, 'notiz.txt'), 'kein JSON');
  const results = await loadDefinitions(dir);
  t.same(
    results.map((r) => [r.slug, r.ok]),
    [
      ['gut', true],
      ['kaputt', false],
    ],
  );
  t.same(results[0].ok && results[0].definition, {
    title: 'Gut',
    elements: [],
  });
  t.equal(
    !results[1].ok && results[1].error,
    `${join(dir, 'kaputt.json')}: ungültiges JSON in Zeile 3, Spalte 13 (unerwartetes Zeichen „,“) – die Umfrage wird übersprungen`,
  );
});

t.test('a file that ends too early points at its end', async (t) => {
  const r = parseDefinition('x.json', 'x', '{\n "title": "a"');
  t.equal(
    !r.ok && r.error,
    'x.json: ungültiges JSON in Zeile 2, Spalte 14 (die Datei endet, bevor die Definition vollständig ist) – die Umfrage wird übersprungen',
  );
});

t.test('single quotes are reported where they stand', async (t) => {
  const r = parseDefinition('x.json', 'x', '{\n "title": \'x\'\n}');
  t.match(!r.ok && r.error, /Zeile 2, Spalte 11 \(unerwartetes Zeichen „'“\)/);
});

t.test('valid JSON that is not an object is refused', async (t) => {
  const r = parseDefinition('x.json', 'x', '[1, 2]');
  t.equal(
    !r.ok && r.error,
    'x.json: keine Umfrage-Definition, erwartet wird ein JSON-Objekt { … } – die Umfrage wird übersprungen',
  );
});

t.test('an empty file says so', async (t) => {
  const r = parseDefinition('x.json', 'x', '');
  t.match(!r.ok && r.error, /Zeile 1, Spalte 1 \(die Datei ist leer\)/);
});

t.test('the shipped definitions all load', async (t) => {
  const results = await loadDefinitions('surveys/definitions');
  const demo = results.filter((r) => r.slug.startsWith('om-'));
  t.same(
    demo.map((r) => [r.slug, r.ok]),
    [
      ['om-check-umweltschutz', true],
      ['om-partner-befragung', true],
    ],
  );
});
