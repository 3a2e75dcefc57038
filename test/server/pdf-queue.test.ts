// The PDF queue has a bound: PDF_CONCURRENCY reports waiting or printing; one more gets 503 with
// Retry-After and a German sentence at once instead of piling up HTML in memory, and a place
// frees up when a print ends, however it ends.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { links } from '../../server/db/schema.ts';
import { insertResponse } from '../../server/repositories/responses.ts';
import { createShare } from '../../server/repositories/shares.ts';
import { findSurvey, latestVersion } from '../../server/repositories/surveys.ts';
import { PrintQueue } from '../../server/routes/report-pages.ts';
import { prepareStudy } from '../../server/startup.ts';
import { seededRandom, syntheticModel, syntheticResponse } from '../../surveys/synthetic.ts';
import { buildTestApp } from '../helpers/app.ts';

t.test('the queue runs one job at a time and refuses beyond its bound', async (t) => {
  const q = new PrintQueue(2);
  const order: string[] = [];
  let release = () => {};
  const first = q.reserve();
  const second = q.reserve();
  t.ok(first && second);
  t.equal(q.reserve(), null, 'a third place is refused while two are taken');
  const a = first?.(() =>
    new Promise<string>((r) => (release = () => r('a'))).then((v) => {
        order.push(v);
        return v;
      }),
  );
  const b = second?.(async () => {
    order.push('b');
    return 'b';
  });
  await new Promise((r) => setImmediate(r));
  t.same(order, [], 'the second waits for the first');
  release();
  t.same(await Promise.all([a, b]), ['a', 'b']);
  t.same(order, ['a', 'b'], 'in order');
  t.equal(q.size, 0, 'both places are free again');
  const failing = q.reserve();
  await t.rejects(failing?.(async () => Promise.reject(new Error('printer on fire'))) as Promise<unknown>);
  t.equal(q.size, 0, 'a failed job frees its place too');
});

t.test('the route answers 503 with Retry-After once the queue is full', async (t) => {
  // A "Chromium" that never starts and gives up once the test opens a gate: the prints in the
  // queue stay busy exactly as long as the test needs, without a real browser.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'befund-fake-chromium-'));
  const fake = path.join(dir, 'chromium');
  const gate = path.join(dir, 'gate');
  writeFileSync(fake, `#!/bin/sh\nwhile [ ! -e '${gate}' ]; do sleep 0.1; done\nexit 1\n`);
  chmodSync(fake, 0o755);
  const before = process.env.CHROMIUM_PATH;
  process.env.CHROMIUM_PATH = fake;
  // PDF_CONCURRENCY=2 rather than the default 4: the bound comes from the setting.
  const { app, cleanup } = await buildTestApp({ MIN_GROUP_SIZE: '2', PDF_CONCURRENCY: '2' });
  const bound = app.config.pdfConcurrency;
  t.equal(bound, 2, 'the bound is the setting');
  t.teardown(async () => {
    await cleanup();
    if (before === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = before;
    rmSync(dir, { recursive: true, force: true });
  });
  await prepareStudy(app);
  const survey = await findSurvey(app.db, 'om-partner-befragung');
  const version = await app.versions.get((await latestVersion(app.db, survey.id)).id);
  const [link] = await app.db.select().from(links).where(eq(links.surveyId, survey.id)).then((ls) => ls.filter((l) => l.segment === 'sme'));
  const model = syntheticModel(version.definition);
  const rnd = seededRandom(3);
  for (let i = 0; i < 30; i++) {
    const verdict = version.validator.validate(syntheticResponse(model, rnd, { lean: 0 }), { complete: true, locale: 'de' });
    if (verdict.ok)
      await insertResponse(app.db, { id: randomUUID(), surveyId: survey.id, versionId: version.id, catalogue: version.catalogue, link: { id: link.id, segment: 'sme', label: link.label }, data: verdict.data, complete: true, locale: 'de' });
  }
  const share = await createShare(app.db, { surveyId: survey.id, audience: 'sme' }, 'test');
  const url = `/reports/om-partner-befragung/sme/report.pdf?key=${share.key}`;
  t.equal((await app.inject({ url: `/reports/om-partner-befragung/sme/data.json?key=${share.key}` })).statusCode, 200, 'the report exists (and is cached)');

  const settled: { statusCode: number }[] = [];
  const requests = Array.from({ length: bound + 3 }, () =>
    app.inject({ url }).then((r) => {
      settled.push(r);
      return r;
    }),
  );
  // While the gate is shut no print can end, so whatever answers now was refused at once.
  while (settled.length < 3) await new Promise((r) => setTimeout(r, 50));
  const refused = settled.slice();
  t.same(
    refused.map((r) => r.statusCode),
    [503, 503, 503],
    `${bound} places are taken, the other 3 are refused at once`,
  );
  writeFileSync(gate, '');
  const answers = await Promise.all(requests);
  t.equal(answers.filter((r) => r.statusCode === 503).length, 3, `the ${bound} in the queue were not refused`);
  for (const r of refused as Awaited<(typeof requests)[number]>[]) {
    t.equal(r.headers['retry-after'], '10', 'with Retry-After');
    t.match(r.json().message, new RegExp(`Gerade werden schon ${bound} PDF-Berichte erstellt; bitte versuchen Sie es in 10 Sekunden noch einmal`));
  }
  const after = await app.inject({ url });
  t.not(after.statusCode, 503, 'once the prints have ended, the next one is taken again');
});
