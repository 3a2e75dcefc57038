// `befund release publish|list` as a user runs it: a release of the demo answers, listed with
// its reason and responses; a wrong survey or action gets one sentence, no stack trace. The
// commands run inside the test process (runInProcess), the wrong survey as the real befund.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { runCli, runInProcess } from '../helpers/cli.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-release-cli-'));
const pg = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
t.teardown(async () => {
  await pg?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
const env = { DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '' };
const cli = (...args: string[]) => runInProcess(args, env);
const noStack = /\n\s+at .+:\d+:\d+/;

t.test('publish makes a release of every answer; list shows it and what came since', async (t) => {
  const demo = await cli('demo', '--responses', '20', '--seed', '3', '--json');
  t.equal(demo.code, 0, demo.stderr);
  const none = await cli('release', 'list', '--survey', 'om-partner-befragung');
  t.equal(none.code, 0, none.stderr);
  t.match(none.stdout, 'Noch kein Stand veröffentlicht');
  const pub = await cli('release', 'publish', '--survey', 'om-partner-befragung', '--json');
  t.equal(pub.code, 0, pub.stderr);
  const release = JSON.parse(pub.stdout);
  t.match(release, { reason: 'manual', actor: 'cli', erased: 0 });
  t.ok(release.responses >= 20, 'every complete demo answer is in it');
  const list = JSON.parse((await cli('release', 'list', '--survey', 'om-partner-befragung', '--json')).stdout);
  t.equal(list.releases.length, 1);
  t.equal(list.releases[0].id, release.id);
  t.ok(
    list.groups.every((g: { live: number; released: number }) => g.live === g.released),
    'nothing new since',
  );
  t.equal(list.autoReleaseDue, false);
});

t.test('a wrong survey or action is one sentence', async (t) => {
  const missing = await runCli(['release', 'publish', '--survey', 'gibt-es-nicht'], env);
  t.equal(missing.code, 2);
  t.match(missing.stderr, 'Die Umfrage "gibt-es-nicht" gibt es nicht');
  t.notMatch(missing.stderr, noStack);
  const wrong = await cli('release', 'drucken', '--survey', 'om-partner-befragung');
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, 'Aufruf: befund release publish --survey S');
});
