// The faults a user meets at start, each with one sentence that names the fix, and a restart
// that keeps the data.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { importDefinitionsFolder } from '../../server/startup.ts';
import { buildTestApp } from '../helpers/app.ts';
import { runCli, startServer } from '../helpers/cli.ts';

const noStack = /\n\s+at .+:\d+:\d+/;
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `befund-${name}-`));
/** The start-ups below set DATABASE_URL themselves, so they run in the embedded pass only (the same test twice otherwise). */
const once = { skip: process.env.DATABASE_URL ? 'sets its own DATABASE_URL: runs in the embedded pass' : false };

t.test('a DATABASE_URL that is not postgres stops the start with one sentence', once, async (t) => {
  const r = await runCli(['serve'], { DATABASE_URL: 'mysql://localhost/x' });
  t.equal(r.code, 1);
  t.match(r.stderr, /DATABASE_URL muss mit postgres:\/\/ oder postgresql:\/\/ beginnen/);
  t.notMatch(r.stderr, noStack);
});

t.test('PostgreSQL down at start names the server and the fix', once, async (t) => {
  const r = await runCli(['serve'], { DATABASE_URL: 'postgres://root@127.0.0.1:1/test' });
  t.equal(r.code, 1);
  t.match(r.stderr, /Server 127\.0\.0\.1:1 hat die Verbindung abgelehnt: starten Sie PostgreSQL oder entfernen Sie DATABASE_URL/);
  t.notMatch(r.stderr, noStack);
});

t.test('a DATA_DIR that cannot be used names the folder and the fix', once, async (t) => {
  const file = path.join(tmp('file'), 'not-a-dir');
  fs.writeFileSync(file, 'x');
  const r = await runCli(['serve'], { DATA_DIR: file, DATABASE_URL: '' });
  t.equal(r.code, 1);
  t.match(r.stderr, /DATA_DIR=.*not-a-dir ist nicht les- oder schreibbar .*setzen Sie DATA_DIR auf einen anderen Ordner/);
  t.notMatch(r.stderr, noStack);
});

t.test('a port in use is named with the fix', once, async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const r = await runCli(['serve'], { PORT: String(port), DATA_DIR: tmp('port'), DATABASE_URL: '' });
  t.equal(r.code, 2);
  t.match(r.stderr, new RegExp(`Port ${port} auf 127\\.0\\.0\\.1 ist schon belegt: .*PORT=${port + 1} npm start`));
  t.notMatch(r.stderr, noStack);
});

t.test('a broken JSON file is named with line and column, and the other surveys still load', async (t) => {
  const dir = tmp('defs');
  fs.copyFileSync('surveys/definitions/om-check-umweltschutz.json', path.join(dir, 'gut.json'));
  fs.writeFileSync(path.join(dir, 'kaputt.json'), '{\n  "title": "x",\n  "pages": [,]\n}\n');
  const { app, cleanup } = await buildTestApp({ SURVEYS_DIR: dir });
  t.teardown(cleanup);
  const { problems, imported } = await importDefinitionsFolder(app);
  t.same(imported.map((s) => s.slug), ['gut']);
  t.equal(problems.length, 1);
  t.match(problems[0], /kaputt\.json: .*Zeile 3, Spalte \d+/);
});

t.test('npm start prints links and reports; SIGTERM closes cleanly; a restart keeps the data', once, async (t) => {
  const dataDir = tmp('restart');
  const env = { DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '' };
  const first = await startServer(env);
  const out1 = first.output();
  t.match(out1, /Teilnahme-Link intermediary +http:\/\/127\.0\.0\.1:\d+\/s\/\S+/);
  t.match(out1, /Bericht works_council +http:\/\/127\.0\.0\.1:\d+\/reports\/om-partner-befragung\/works_council/);
  t.match(out1, /Forschungs-Token: in .*researcher-token\.txt/);
  const base = /Befund läuft auf (http:\/\/\S+)/.exec(out1)?.[1];
  const health = await fetch(`${base}/healthz`);
  t.equal(health.status, 200);
  t.equal(await first.stop('SIGTERM'), 0, 'exits 0 after draining');
  const token = fs.readFileSync(path.join(dataDir, 'researcher-token.txt'), 'utf8').trim();
  t.match(token, /^bef_/);

  const second = await startServer(env);
  t.teardown(() => second.stop('SIGKILL'));
  const out2 = second.output();
  const links = (s: string) => [...s.matchAll(/\/s\/(\S+)/g)].map((m) => m[1]).sort();
  t.same(links(out2), links(out1), 'the same links after a restart: the data survived');
  t.match(out2, /Umfrage om-partner-befragung \(Version 1\)/);
  const base2 = /Befund läuft auf (http:\/\/\S+)/.exec(out2)?.[1];
  const surveys = await fetch(`${base2}/api/v1/surveys`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(surveys.status, 200, 'the token written at the first start still works');
});
