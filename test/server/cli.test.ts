// The befund commands as a user runs them: survey add/list/set, link create, token create/list/revoke.
// They run inside the test process (runInProcess); one error of each command, and an unknown
// command, run the real `befund` (runCli), for its exit code and stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { runCli, runInProcess } from '../helpers/cli.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-cli-'));
const pg = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
t.teardown(async () => pg?.drop());
const env = { DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '', PUBLIC_URL: 'https://befund.example.org' };
const cli = (...args: string[]) => runInProcess(args, env);
const spawned = (...args: string[]) => runCli(args, env);
const noStack = /\n\s+at .+:\d+:\d+/;

t.test('survey add imports version 1, again changes nothing, and list shows it', async (t) => {
  const first = await cli('survey', 'add', 'surveys/definitions/om-check-umweltschutz.json', '--json');
  t.equal(first.code, 0, first.stderr);
  t.match(JSON.parse(first.stdout), { slug: 'om-check-umweltschutz', version: 1, created: true });
  const again = await cli('survey', 'add', 'surveys/definitions/om-check-umweltschutz.json');
  t.match(again.stdout, /om-check-umweltschutz: unverändert \(Version 1\)/);
  const list = await cli('survey', 'list', '--json');
  t.match(JSON.parse(list.stdout).surveys, [{ slug: 'om-check-umweltschutz', versions: 1, responses: 0 }]);
});

t.test('survey add names each finding of a broken survey and imports nothing', async (t) => {
  const file = path.join(dataDir, 'kaputt.json');
  fs.writeFileSync(file, JSON.stringify({ title: 'x', pages: [{ name: 'p', elements: [{ type: 'text', name: 'a' }, { type: 'text', name: 'a' }] }] }));
  const r = await spawned('survey', 'add', file);
  t.equal(r.code, 2);
  t.match(r.stderr, /kaputt\.json: nicht importiert:\n {2}a: /);
  t.notMatch(r.stderr, noStack);
});

t.test('demo fills a survey imported with survey add (not one of the demos) and creates its links', async (t) => {
  const add = await cli('survey', 'add', 'test/fixtures/survey-kammer-mitglieder.json', '--json');
  t.equal(add.code, 0, add.stderr);
  const demo = await cli('demo', '--survey', 'survey-kammer-mitglieder', '--responses', '12', '--seed', '3', '--json');
  t.equal(demo.code, 0, demo.stderr);
  t.match(JSON.parse(demo.stdout), { survey: 'survey-kammer-mitglieder', stored: 12 });
  const list = await cli('survey', 'list', '--json');
  t.match(JSON.parse(list.stdout).surveys.find((s: { slug: string }) => s.slug === 'survey-kammer-mitglieder'), { responses: 12 });
  const unknown = await spawned('demo', '--survey', 'gibt-es-nicht', '--responses', '1');
  t.match(unknown.stderr, /Die Umfrage "gibt-es-nicht" gibt es nicht/);
  t.notMatch(unknown.stderr, noStack);
});

t.test('survey set changes retention and rejects a wrong value with the usage', async (t) => {
  const ok = await cli('survey', 'set', 'om-check-umweltschutz', '--retention-days', '30', '--json');
  t.equal(ok.code, 0, ok.stderr);
  t.match(JSON.parse(ok.stdout), { retentionDays: 30, archived: false });
  const bad = await cli('survey', 'set', 'om-check-umweltschutz', '--retention-days', 'bald');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--retention-days muss eine Zahl von Tagen sein/);
});

t.test('link create prints a link on PUBLIC_URL; an unknown survey or audience is named', async (t) => {
  const r = await cli('link', 'create', '--survey', 'om-check-umweltschutz', '--audience', 'works_council', '--label', 'BR Nord', '--max', '20', '--json');
  t.equal(r.code, 0, r.stderr);
  const { token, url } = JSON.parse(r.stdout);
  t.equal(url, `https://befund.example.org/s/${token}`);
  const unknown = await cli('link', 'create', '--survey', 'gibtsnicht', '--audience', 'sme');
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /Die Umfrage "gibtsnicht" gibt es nicht/);
  const badAudience = await spawned('link', 'create', '--survey', 'om-check-umweltschutz', '--audience', 'Alle');
  t.equal(badAudience.code, 2);
  t.match(badAudience.stderr, /--audience: Zielgruppe/);
});

t.test('token create prints the token once; list shows no secret; revoke marks it', async (t) => {
  const r = await cli('token', 'create', '--role', 'admin', '--name', 'Datenschutz', '--json');
  t.equal(r.code, 0, r.stderr);
  const created = JSON.parse(r.stdout);
  t.match(created.token, /^bef_[A-Za-z0-9_-]{32}$/);
  const list = await cli('token', 'list', '--json');
  t.notMatch(list.stdout, created.token, 'the token is not shown again');
  // (the first start, e.g. by `befund demo`, wrote a researcher token too)
  t.match(JSON.parse(list.stdout).tokens.find((x: { id: number }) => x.id === created.id), { id: created.id, role: 'admin', name: 'Datenschutz', revokedAt: null });
  const revoke = await cli('token', 'revoke', String(created.id));
  t.match(revoke.stdout, new RegExp(`Token ${created.id} widerrufen`));
  const wrongRole = await spawned('token', 'create', '--role', 'chef');
  t.equal(wrongRole.code, 2);
  t.match(wrongRole.stderr, /--role muss researcher oder admin sein/);
});

t.test('an unknown command names the available ones', async (t) => {
  const r = await spawned('frobnicate');
  t.equal(r.code, 2);
  t.match(r.stderr, /Unbekannter Befehl "frobnicate". Verfügbar: serve, survey, link, token/);
});
