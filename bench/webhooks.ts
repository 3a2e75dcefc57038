// Webhook delivery rate: a backlog of outbox rows drained by the app's own background worker
// (its timer, its settings) into a receiver on 127.0.0.1 that answers after `delay` ms.
// `npm run bench -- --only webhooks [--quick]`, or alone: `npx tsx bench/webhooks.ts [--quick]`.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { sql } from 'drizzle-orm';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createLink } from '../server/repositories/links.ts';
import { importSurvey } from '../server/repositories/surveys.ts';
import { setWebhook } from '../server/repositories/webhooks.ts';
import { type BenchResult, goal, num, table } from './lib/report.ts';
import { createTarget, type Kind } from './lib/target.ts';

const survey = {
  title: 'Webhook-Bench',
  pages: [{ name: 'p', elements: [{ type: 'rating', name: 'r', title: 'Wie?', rateMin: 1, rateMax: 5 }] }],
};

async function drain(kind: Kind, backlog: number, delayMs: number): Promise<number> {
  let first = 0; // the first arrival: the worker's timer tick (up to 3 s) is not counted
  const receiver = http.createServer((req, res) => {
    first ||= Date.now();
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(200).end(), delayMs));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const target = await createTarget(kind);
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE: '1', MAX_EVENT_LOOP_DELAY_MS: '0', ...target.env }));
  try {
    await app.ready(); // starts the background timers
    const s = await importSurvey(app.db, { slug: 'bench-hook', definition: survey }, 'bench');
    const link = await createLink(app.db, { surveyId: s.surveyId, segment: 'sme', label: 'Bench' }, 'bench');
    // The responses first (no webhook yet), then the whole backlog at once.
    for (let i = 0; i < backlog; i += 500) {
      const n = Math.min(500, backlog - i);
      await app.db.execute(sql`insert into responses (id, survey_id, version_id, link_id, segment, status, data, resume_key_hash, completed_on)
        select gen_random_uuid(), ${s.surveyId}, ${s.versionId}, ${link.id}, 'sme', 'complete', '{"r":3}'::jsonb, ${randomUUID()}, current_date from generate_series(1, ${n})`);
    }
    await setWebhook(app.db, s.surveyId, `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`, 'bench');
    const started = Date.now();
    await app.db.execute(sql`insert into webhook_deliveries (survey_id, response_id) select survey_id, id from responses`);
    for (;;) {
      const r = (await app.db.execute(sql`select count(*)::int as n from webhook_deliveries`)) as unknown as { rows: { n: number }[] };
      if (Number(r.rows[0].n) === 0) break;
      if (Date.now() - started > 600_000) throw new Error('backlog not drained within 10 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
    return backlog / ((Date.now() - first) / 1000);
  } finally {
    await app.close();
    await target.drop();
    receiver.close();
  }
}

export async function runWebhooks(opts: { quick: boolean }): Promise<BenchResult> {
  const backlog = opts.quick ? 300 : 2000;
  const rows: (string | number)[][] = [];
  const figures: Record<string, number> = {};
  for (const kind of ['postgres', 'pglite'] as const)
    for (const delay of [0, 20]) {
      process.stderr.write(`webhooks (${kind}): ${backlog} deliveries, receiver answers after ${delay} ms …\n`);
      const rate = await drain(kind, backlog, delay);
      figures[`${kind}_${delay}ms_per_s`] = rate;
      rows.push([kind, `${delay} ms`, num(backlog), rate.toFixed(1)]);
    }
  console.log(table('Webhook delivery (background worker, default WEBHOOK_CONCURRENCY)', ['database', 'receiver delay', 'backlog', 'deliveries/s'], rows));
  return {
    id: 'webhooks',
    title: 'Webhook delivery rate',
    // Before: one at a time, at most 20 per 3-second tick (6.7/s) whatever the receiver.
    goals: [goal('PostgreSQL, receiver answering in 20 ms: deliveries/s ≥ 50', figures.postgres_20ms_per_s, 50, 'at least', '/s', 1)],
    figures,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await runWebhooks({ quick: process.argv.includes('--quick') });
