// `befund analyze` as a user runs it: a fresh DATA_DIR, `befund demo --responses 150`, then the
// reports for all audiences, twice (byte-identical, the second time in a process of its own), and
// the errors a user can meet. The commands run inside the test process (runInProcess); the second
// run and one error case run the real `befund analyze`.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli, runInProcess } from '../helpers/cli.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'befund-analyze-'));
const empty = mkdtempSync(path.join(tmpdir(), 'befund-analyze-empty-'));
const out = mkdtempSync(path.join(tmpdir(), 'befund-analyze-out-'));
t.teardown(() => {
  for (const d of [dataDir, empty, out]) rmSync(d, { recursive: true, force: true });
});
const env = { DATA_DIR: dataDir, DATABASE_URL: undefined };
const SURVEY = 'om-partner-befragung';

const demo = await runInProcess(['demo', '--responses', '150', '--json'], env);
if (demo.code !== 0) throw new Error(`befund demo failed: ${demo.stderr}`);
// the survey without any response, in a database of its own
const added = await runInProcess(['survey', 'add', 'surveys/definitions/om-partner-befragung.json', '--slug', SURVEY], { DATA_DIR: empty, DATABASE_URL: undefined });
if (added.code !== 0) throw new Error(`befund survey add failed: ${added.stderr}`);

function files(dir: string): Record<string, Buffer> {
  const all: Record<string, Buffer> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (f.isFile()) all[path.relative(dir, path.join(f.parentPath, f.name))] = readFileSync(path.join(f.parentPath, f.name));
  return all;
}

t.test('analyze writes three audience folders with report.json, charts, report.html and tables.csv', async (t) => {
  const res = await runInProcess(['analyze', '--survey', SURVEY, '--audience', 'all', '--out', path.join(out, 'a'), '--json'], env);
  t.equal(res.code, 0, res.stderr);
  t.equal(res.stderr, '', 'no progress bar without a TTY');
  const result = JSON.parse(res.stdout);
  t.same(
    result.audiences.map((a: { audience: string }) => a.audience),
    ['intermediary', 'sme', 'works_council'],
  );
  for (const audience of ['intermediary', 'sme', 'works_council']) {
    const dir = path.join(out, 'a', audience);
    const names = readdirSync(dir).sort();
    t.same(names, ['charts', 'report.html', 'report.json', 'tables.csv'], audience);
    const charts = readdirSync(path.join(dir, 'charts'));
    t.ok(charts.some((f) => f.endsWith('.vl.json')) && charts.some((f) => f.endsWith('.svg')), `${audience}: chart specs and SVGs`);
    for (const f of charts.filter((c) => c.endsWith('.vl.json'))) t.ok(charts.includes(f.replace(/\.vl\.json$/, '.svg')), `${audience}: ${f} has its SVG`);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    t.equal(report.audience, audience);
    const q = report.sections[0].questions[0];
    for (const key of ['name', 'type', 'n', 'suppressed']) t.ok(key in q, `${audience}: question has ${key}`);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    t.match(html, /<svg role="img" aria-label=/);
    t.match(html, /<html lang="de">/);
    t.match(readFileSync(path.join(dir, 'tables.csv'), 'utf8'), /^\ufeffAbschnitt;Frage;Fragetext;Teil;Zeile;Spalte;Wert;Einheit\r\n/);
  }
});

t.test('running twice with the same data and arguments gives byte-identical files', async (t) => {
  const args = (dir: string) => ['analyze', '--survey', SURVEY, '--out', path.join(out, dir)];
  t.equal((await runInProcess(args('b1'), env)).code, 0);
  // the second run in a process of its own: nothing may depend on what one process did before
  t.equal((await runCli(args('b2'), env)).code, 0);
  const one = files(path.join(out, 'b1'));
  const two = files(path.join(out, 'b2'));
  t.ok(Object.keys(one).length > 20, `${Object.keys(one).length} files`);
  t.same(Object.keys(two).sort(), Object.keys(one).sort());
  const differ = Object.keys(one).filter((f) => !one[f].equals(two[f]));
  t.same(differ, [], 'no file differs');
});

t.test('--format and --audience narrow what is written', async (t) => {
  const res = await runInProcess(['analyze', '--survey', SURVEY, '--audience', 'sme', '--format', 'csv', '--out', path.join(out, 'c')], env);
  t.equal(res.code, 0, res.stderr);
  t.same(readdirSync(path.join(out, 'c')), ['sme']);
  t.same(readdirSync(path.join(out, 'c', 'sme')), ['tables.csv']);
});

t.test('errors a user can meet are one sentence each, without a stack trace', async (t) => {
  const cases: [string, string[], Record<string, string | undefined>, RegExp][] = [
    ['unknown survey', ['--survey', 'gibt-es-nicht', '--out', path.join(out, 'e1')], env, /^befund: Die Umfrage "gibt-es-nicht" gibt es nicht \(befund survey list zeigt alle\)\n$/],
    ['unknown audience', ['--survey', SURVEY, '--audience', 'presse', '--out', path.join(out, 'e2')], env, /^befund: Die Zielgruppe "presse" gibt es nicht: möglich sind intermediary, sme, works_council oder all\n$/],
    ['no complete responses', ['--survey', SURVEY, '--out', path.join(out, 'e3')], { DATA_DIR: empty, DATABASE_URL: undefined }, /^befund: Die Umfrage "om-partner-befragung" hat noch keine abgeschlossenen Antworten: /],
    ['unknown format', ['--survey', SURVEY, '--format', 'pdf', '--out', path.join(out, 'e4')], env, /^befund: Unbekanntes Format "pdf": möglich sind json, svg, html, csv\./],
  ];
  for (const [name, args, e, expected] of cases) {
    // the real process once: its exit code and stderr, as a user sees them
    const res = await (name === 'unknown survey' ? runCli : runInProcess)(['analyze', ...args], e);
    t.equal(res.code, 2, name);
    t.match(res.stderr, expected, name);
    t.notMatch(res.stderr, /\n\s+at /, `${name}: no stack trace`);
  }
});

t.test('an unwritable output directory is named in one sentence', async (t) => {
  const file = path.join(out, 'a-file');
  writeFileSync(file, 'not a directory');
  const res = await runInProcess(['analyze', '--survey', SURVEY, '--out', path.join(file, 'reports')], env);
  t.equal(res.code, 2);
  t.match(res.stderr, /^befund: In das Ausgabeverzeichnis .*a-file\/reports kann nicht geschrieben werden \(ENOTDIR\): wählen Sie mit --out ein beschreibbares Verzeichnis\n$/);
  if (process.getuid?.() !== 0) {
    const locked = path.join(out, 'locked');
    writeFileSync(path.join(out, 'x'), '');
    chmodSync(out, 0o500);
    t.teardown(() => chmodSync(out, 0o700));
    t.match((await runInProcess(['analyze', '--survey', SURVEY, '--out', locked], env)).stderr, /EACCES/);
  }
});
