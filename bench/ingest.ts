// Ingest: autocannon against POST /api/v1/links/:token/responses of the real app, and against two
// bare baseline routes in the same child process (bench/ingest-server.ts), one after the other:
// the plain-table baseline (one INSERT into a table with only a key: the database's own limit)
// and the same-table baseline (one INSERT into `responses` with its indexes). Same bodies (valid
// and varied, ~5 % invalid, a fresh uuid per request), same connections, same duration, same
// database pool; the tables are emptied before each measured run. Besides req/s and latency it
// reports the server process's CPU time per answered request, which a busy machine hardly moves.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { makeBodyPool, readSurvey40, withId } from './lib/bodies.ts';
import { forkChild } from './lib/child.ts';
import { type ProfileSummary, summariseProfile } from './lib/cpuprofile.ts';
import { type BenchResult, goal, ms, num, pct, RESULTS_DIR, table } from './lib/report.ts';
import { postgresCpuMs } from './lib/proc-cpu.ts';
import { createTarget, type Kind } from './lib/target.ts';

export interface IngestOptions {
  kind: Kind;
  quick: boolean;
  /** Record a CPU profile of the app's measured run and summarise it. */
  profile?: boolean;
}

const SERVERS = ['plain', 'baseline', 'app'] as const;
type Server = (typeof SERVERS)[number];
const SERVER_LABEL: Record<Server, string> = { plain: 'plain table', baseline: 'same table', app: 'app' };

interface Run {
  server: Server;
  reqPerSec: number;
  p50: number;
  p99: number;
  sent: number;
  clientStatuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Status codes the server decided on, and those it could not deliver (load already stopped). */
  serverStatuses: { decided: Record<string, number>; undelivered: Record<string, number> };
  rows: { responses: number; answerCounts: number; openTexts: number; plain: number };
  /** CPU time (user + system) of the server process during the measured run, and per answered request. */
  cpuMs: number;
  cpuMsPerRequest: number;
  /**
   * CPU time of the database server's processes (PostgreSQL on this machine, read from /proc;
   * backends that exit during the run are missed, the pool keeps its connections) and of the
   * load generator (this process), per answered request. Null for PGlite, which runs inside the
   * app's process and is in its CPU time.
   */
  databaseCpuMsPerRequest: number | null;
  loadCpuMsPerRequest: number;
}

function load(port: number, token: string, tails: string[], connections: number, seconds: number): Promise<Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: `/api/v1/links/${token}/responses`,
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: withId(randomUUID(), tails[i++ % tails.length]) }),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

export async function runIngest(opts: IngestOptions): Promise<BenchResult> {
  const seconds = opts.quick ? 5 : 20;
  const connections = 50;
  const label = opts.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  process.stderr.write(`ingest (${label}): generating request bodies …\n`);
  const pool = makeBodyPool(readSurvey40(), opts.quick ? 200 : 400);
  const target = await createTarget(opts.kind);
  const script = fileURLToPath(new URL('./ingest-server.ts', import.meta.url));
  const profileFile = path.join(RESULTS_DIR, `${opts.kind}-ingest-app.cpuprofile`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const child = await forkChild(script, { ...target.env, BENCH_PROFILE_FILE: profileFile });
  let profile: ProfileSummary | undefined;
  const runs: Run[] = [];
  try {
    const token = String(child.ready.token);
    for (const server of SERVERS) {
      const port = Number(child.ready[`${server}Port`]);
      process.stderr.write(`ingest (${label}): ${server} warm-up 2 s, then ${seconds} s at ${connections} connections …\n`);
      await load(port, token, pool.tails, 10, 2);
      await sleep(1500); // let the warm-up's last requests finish before the tables are emptied
      await child.ask('reset');
      const profiling = opts.profile === true && server === 'app';
      if (profiling) await child.ask('profile-start');
      await child.ask('cpu-start');
      const databaseFrom = opts.kind === 'postgres' ? postgresCpuMs() : null;
      const loadFrom = process.cpuUsage();
      const r = await load(port, token, pool.tails, connections, seconds);
      const loadUsed = process.cpuUsage(loadFrom);
      await sleep(1500); // requests still in flight when the load stopped are answered
      const cpuMs = Number((await child.ask('cpu-stop')).cpuMs);
      const databaseTo = databaseFrom === null ? null : postgresCpuMs();
      if (profiling) profile = summariseProfile(String((await child.ask('profile-stop')).file));
      const stats = await child.ask('stats');
      const serverStatuses = stats[server] as Run['serverStatuses'];
      const answered = Object.values(serverStatuses.decided).reduce((sum, n) => sum + n, 0);
      runs.push({
        server,
        reqPerSec: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        sent: r.requests.sent,
        clientStatuses: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
        errors: r.errors,
        timeouts: r.timeouts,
        serverStatuses,
        rows: stats.rows as Run['rows'],
        cpuMs,
        cpuMsPerRequest: answered > 0 ? cpuMs / answered : Number.NaN,
        databaseCpuMsPerRequest: databaseFrom === null || databaseTo === null || answered === 0 ? null : (databaseTo - databaseFrom) / answered,
        loadCpuMsPerRequest: answered > 0 ? (loadUsed.user + loadUsed.system) / 1000 / answered : Number.NaN,
      });
    }
  } finally {
    await child.close();
    await target.drop();
  }
  const result = summarise(opts, label, seconds, connections, pool, runs);
  if (profile) {
    printProfile(profile, runs[runs.length - 1]);
    result.figures.profile = profile;
  }
  return result;
}

function summarise(opts: IngestOptions, label: string, seconds: number, connections: number, pool: ReturnType<typeof makeBodyPool>, runs: Run[]): BenchResult {
  const [plain, base, app] = runs;
  const ratio = app.reqPerSec / base.reqPerSec;
  const plainRatio = app.reqPerSec / plain.reqPerSec;
  // 201s the app decided on: delivered, or decided after the load generator hung up
  const served201 = app.serverStatuses.decided['201'] ?? 0;
  const late201 = app.serverStatuses.undelivered['201'] ?? 0;
  const fiveXX = Object.entries(app.serverStatuses.decided).filter(([k]) => k.startsWith('5')).reduce((s, [, n]) => s + n, 0);
  const statusText = (s: Record<string, number>) => Object.entries(s).map(([k, n]) => `${k}:${n}`).join(' ');
  console.log(
    table(
      `Ingest on ${label}: ${connections} connections, ${seconds} s, ${pool.tails.length} bodies (${pool.invalid} invalid)`,
      ['server', 'req/s', '× plain table', '× same table', 'p50', 'p99', 'CPU per request', 'database CPU', 'load CPU', 'answered (server)', 'rows stored'],
      runs.map((r) => [
        SERVER_LABEL[r.server],
        num(r.reqPerSec),
        (r.reqPerSec / plain.reqPerSec).toFixed(2),
        (r.reqPerSec / base.reqPerSec).toFixed(2),
        ms(r.p50),
        ms(r.p99),
        `${r.cpuMsPerRequest.toFixed(2)} ms`,
        r.databaseCpuMsPerRequest === null ? '–' : `${r.databaseCpuMsPerRequest.toFixed(2)} ms`,
        `${r.loadCpuMsPerRequest.toFixed(2)} ms`,
        statusText(r.serverStatuses.decided),
        num(r.server === 'plain' ? r.rows.plain : r.rows.responses),
      ]),
    ),
  );
  console.log(
    `CPU per request is the server process's own (user + system) during the measured run, the app's including its background fold; database CPU is the PostgreSQL server's processes' (from /proc, ${opts.kind === 'postgres' ? 'on this machine' : 'none: PGlite is inside the app'}), load CPU the load generator's (autocannon, in this process).`,
  );
  const id = opts.kind === 'postgres' ? 'ingest' : 'ingest-pglite';
  const goals = [
    goal(`${label}: validated req/s ≥ 0.50 × plain-table baseline`, plainRatio, 0.5, 'at least', '×', 2),
    goal(`${label}: validated req/s ≥ 0.85 × same-table baseline`, ratio, 0.85, 'at least', '×', 2),
    goal(`${label}: app p99 ≤ 100 ms`, app.p99, 100, 'at most', ' ms'),
    {
      goal: `${label}: rows stored = 201s answered, no 5xx`,
      measured: `${num(app.rows.responses)} rows, ${num(served201)} × 201 (${late201} after the load stopped), ${fiveXX} × 5xx`,
      met: app.rows.responses === served201 && fiveXX === 0,
      margin: app.rows.responses === served201 && fiveXX === 0 ? 'met' : `off by ${app.rows.responses - served201} rows, ${fiveXX} × 5xx`,
    },
  ];
  return { id, title: `Ingest (${label})`, goals, figures: { connections, seconds, bodies: pool.tails.length, invalidBodies: pool.invalid, ratio, plainRatio, appCpuMsPerRequest: app.cpuMsPerRequest, runs } };
}

/** CPU time per answered request, split by package or project folder. */
function printProfile(p: ProfileSummary, app: Run): void {
  const answered = Object.values(app.serverStatuses.decided).reduce((s, n) => s + n, 0) || 1;
  const perReq = (msec: number) => `${(msec / answered).toFixed(2)} ms`;
  console.log(table(`Where the app's CPU time goes (${p.file})`, ['package or folder', 'CPU', 'share', 'per request'], p.byOwner.map((o) => [o.owner, ms(o.ms), pct(o.share), perReq(o.ms)])));
  console.log(table('Hottest functions (self time)', ['function', 'owner', 'share', 'per request'], p.topFunctions.map((f) => [f.fn, f.owner, pct(f.share), perReq(f.ms)])));
}
