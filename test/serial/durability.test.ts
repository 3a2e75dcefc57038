// "A 201 means the answer is committed": kill the server process the moment it answers 201,
// start it again on the same data, and the response is there.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { startServer } from '../helpers/cli.ts';

t.test('a response answered with 201 survives a SIGKILL right after the answer', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-crash-'));
  const pg = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  t.teardown(async () => pg?.drop());
  // Load shedding off, as in the test apps: on busy shared cores it answered 503 before the database was reached.
  const env = { DATA_DIR: dataDir, PORT: '0', DATABASE_URL: pg?.url ?? '', MAX_EVENT_LOOP_DELAY_MS: '0' };

  const first = await startServer(env);
  const out = first.output();
  const base = /Befund läuft auf (http:\/\/\S+)/.exec(out)?.[1];
  const token = /Teilnahme-Link sme +http:\/\/\S+\/s\/(\S+)/.exec(out.split('Umfrage om-check-umweltschutz')[1]?.split('Umfrage ')[0] ?? '')?.[1];
  t.ok(base && token, 'the server printed a link');
  const id = randomUUID();
  const body = { id, complete: true, locale: 'de', data: { feld_org: { verantwortung: 2, pflichten: 1, ziele: 0, unterweisung: 2 }, feld_energie: { erfassung: 1, sparen: 2, material: 0 }, feld_abfall: { trennung: 2, verzeichnis: 2, lagerung: 1, notfall: 0 }, feld_beschaffung: { einkauf: 1, lieferanten: 0, mobilitaet: 1 } } };
  const res = await fetch(`${base}/api/v1/links/${token}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  first.child.kill('SIGKILL'); // no graceful shutdown, no flush
  t.equal(res.status, 201, JSON.stringify(await res.clone().json()));
  const { resumeKey } = (await res.json()) as { resumeKey: string };
  await new Promise((r) => first.child.once('close', r));

  const second = await startServer(env);
  t.teardown(() => second.stop('SIGKILL'));
  const base2 = /Befund läuft auf (http:\/\/\S+)/.exec(second.output())?.[1];
  const again = await fetch(`${base2}/api/v1/responses/${id}`, { headers: { 'x-resume-key': resumeKey } });
  t.equal(again.status, 200);
  const stored = (await again.json()) as { complete: boolean; data: Record<string, unknown> };
  t.equal(stored.complete, true);
  t.same(stored.data.feld_energie, body.data.feld_energie);
});
