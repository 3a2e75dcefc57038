// Child process of the ingest benchmark (forked by bench/ingest.ts with an IPC channel). It holds
// three HTTP servers on 127.0.0.1:0 over ONE database connection pool, so all pay the same costs:
//   - the real app (buildApp) with a 40-question survey and one link;
//   - the same-table baseline: a bare Fastify route that stores the same JSON into the same
//     `responses` table (with its indexes) with one parameterised INSERT, without any validation
//     or counting;
//   - the plain-table baseline: a bare Fastify route doing one durable INSERT of the same JSON
//     into a plain table (`bench_plain`: a uuid key and a jsonb column): the database's own limit.
// The load generator runs in the parent, so it does not share this event loop.
// Messages: parent → { id, cmd: 'stats' | 'reset' | 'cpu-start' | 'cpu-stop' | 'close' };
// child → { id, ... } or { ready }.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp, loggerOptions } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { createLink } from '../server/repositories/links.ts';
import { importSurvey } from '../server/repositories/surveys.ts';
import { readSurvey40 } from './lib/bodies.ts';

if (!process.send) throw new Error('bench/ingest-server.ts runs as a child of bench/ingest.ts');
const send = (message: Record<string, unknown>) => process.send?.(message);
// Stop by itself when the parent goes away.
process.on('disconnect', () => process.exit(1));

const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', PORT: '0', HOST: '127.0.0.1' });
const app = await buildApp(config);

/**
 * Status codes per server as decided by the handler (Fastify's onSend), and how many of those
 * could not be delivered: a request still in flight when the load generator stopped is processed
 * to the end and its row stored, but its socket is gone by then.
 */
const counters = () => ({ decided: new Map<string, number>(), undelivered: new Map<string, number>() });
const answered = { app: counters(), baseline: counters(), plain: counters() };
const bump = (map: Map<string, number>, key: number) => map.set(String(key), (map.get(String(key)) ?? 0) + 1);
function countStatuses(server: FastifyInstance, into: ReturnType<typeof counters>) {
  server.addHook('onSend', async (_request, reply, payload) => {
    bump(into.decided, reply.statusCode);
    if (reply.raw.destroyed) bump(into.undelivered, reply.statusCode);
    else
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) bump(into.undelivered, reply.statusCode);
      });
    return payload;
  });
}
countStatuses(app, answered.app);
await app.ready();
const imported = await importSurvey(app.db, { slug: 'bench-40', definition: readSurvey40() }, 'bench');
const link = await createLink(app.db, { surveyId: imported.surveyId, segment: 'sme', label: 'bench' }, 'bench');

const baseline = Fastify({ logger: loggerOptions(config), bodyLimit: 2 * 1024 * 1024 });
baseline.post<{ Params: { token: string }; Body: { id: string; data: unknown } }>('/api/v1/links/:token/responses', async (request, reply) => {
  const { id, data } = request.body;
  await app.db.execute(
    sql`insert into responses (id, survey_id, version_id, link_id, segment, link_label, status, locale, data, resume_key_hash, completed_on)
        values (${id}, ${imported.surveyId}, ${imported.versionId}, ${link.id}, ${link.segment}, ${link.label}, 'complete', 'de', ${JSON.stringify(data)}::jsonb, 'bench', current_date)`,
  );
  return reply.code(201).send({ id });
});
countStatuses(baseline, answered.baseline);
await baseline.ready();

await app.db.execute(sql`create table if not exists bench_plain (id uuid primary key, data jsonb not null)`);
const plain = Fastify({ logger: loggerOptions(config), bodyLimit: 2 * 1024 * 1024 });
plain.post<{ Body: { id: string; data: unknown } }>('/api/v1/links/:token/responses', async (request, reply) => {
  const { id, data } = request.body;
  await app.db.execute(sql`insert into bench_plain (id, data) values (${id}, ${JSON.stringify(data)}::jsonb)`);
  return reply.code(201).send({ id });
});
countStatuses(plain, answered.plain);
await plain.ready();

await app.listen({ host: '127.0.0.1', port: 0 });
await baseline.listen({ host: '127.0.0.1', port: 0 });
await plain.listen({ host: '127.0.0.1', port: 0 });
const portOf = (s: typeof baseline) => (s.server.address() as { port: number }).port;

async function rowCounts() {
  const one = async (table: string) => {
    const result = (await app.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] };
    return Number(result.rows[0].n);
  };
  return { responses: await one('responses'), answerCounts: await one('answer_counts'), openTexts: await one('open_texts'), plain: await one('bench_plain') };
}

/** CPU profile of this process on request (`--profile`): where the time per request goes. */
const profiler = new Session();
profiler.connect();

/** CPU time of this process (user + system) since 'cpu-start': robust to a busy machine, unlike req/s. */
let cpuFrom = process.cpuUsage();

process.on('message', async (m: { id: number; cmd: string }) => {
  try {
    if (m.cmd === 'stats') {
      const statuses = (c: ReturnType<typeof counters>) => ({ decided: Object.fromEntries([...c.decided].sort()), undelivered: Object.fromEntries([...c.undelivered].sort()) });
      send({ id: m.id, app: statuses(answered.app), baseline: statuses(answered.baseline), plain: statuses(answered.plain), rows: await rowCounts(), rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
    } else if (m.cmd === 'reset') {
      await app.db.execute(sql`truncate open_texts, answer_counts, responses, bench_plain`);
      for (const c of [answered.app, answered.baseline, answered.plain]) {
        c.decided.clear();
        c.undelivered.clear();
      }
      send({ id: m.id, rows: await rowCounts() });
    } else if (m.cmd === 'cpu-start') {
      cpuFrom = process.cpuUsage();
      send({ id: m.id });
    } else if (m.cmd === 'cpu-stop') {
      const used = process.cpuUsage(cpuFrom);
      send({ id: m.id, cpuMs: (used.user + used.system) / 1000 });
    } else if (m.cmd === 'profile-start') {
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.post('Profiler.start');
      send({ id: m.id });
    } else if (m.cmd === 'profile-stop') {
      const { profile } = await profiler.post('Profiler.stop');
      const file = process.env.BENCH_PROFILE_FILE ?? 'ingest-app.cpuprofile';
      writeFileSync(file, JSON.stringify(profile));
      send({ id: m.id, file });
    } else if (m.cmd === 'close') {
      await plain.close();
      await baseline.close();
      await app.close();
      send({ id: m.id });
      process.exit(0);
    }
  } catch (err) {
    send({ id: m.id, error: `${String(err)} ${String((err as { cause?: unknown }).cause ?? '')}` });
  }
});

send({ ready: true, appPort: portOf(app as unknown as typeof baseline), baselinePort: portOf(baseline), plainPort: portOf(plain), token: link.token, db: app.dbKind });
