// The embedded database (PGlite in DATA_DIR) shared by a running server and CLI commands in
// other processes, as a user meets it: `npm start` in one terminal, `npx befund …` in another.
// What the CLI writes, the server answers at once and keeps across kill -9; a second server on
// the same folder refuses with the fix; a lock left by a killed process does not block; a
// server start waits for a CLI that has the folder open. Plus the socket bridge's transaction
// rule and the lock file, in this process.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import t from 'tap';
import { holderAlive, lockPath, readLock, tryLock } from '../../server/db/lock.ts';
import { serveOverSocket } from '../../server/db/socket.ts';
import { root, runCli } from '../helpers/cli.ts';

const skip = process.env.DATABASE_URL ? 'embedded database only: DATABASE_URL is set, so the server and CLI use PostgreSQL' : false;
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `befund-${name}-`));
const noStack = /\n\s+at .+:\d+:\d+/;

/** `befund serve` as a child process whose output can be waited on. */
function serve(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'bin/befund.js'), 'serve'], {
    cwd: root,
    // Load shedding off, as in the test apps: busy shared cores would get some requests a 503.
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', DATABASE_URL: '', MAX_EVENT_LOOP_DELAY_MS: '0', ...env },
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const waitFor = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) return resolve(m[1] ?? m[0]);
        if (child.exitCode !== null) return reject(new Error(`server exited with ${child.exitCode}: ${out}`));
        setTimeout(check, 50);
      };
      check();
    });
  return {
    child,
    exited,
    output: () => out,
    waitFor,
    base: () => waitFor(/Befund läuft auf (http:\/\/\S+)/),
    kill: async (signal: NodeJS.Signals) => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

t.test('server and CLI share one embedded database, across kill -9', { skip }, async (t) => {
  const dataDir = tmp('shared');
  const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
  const cli = (...args: string[]) => runCli(args, env, 150_000);

  const first = serve(env);
  t.teardown(() => first.kill('SIGKILL'));
  const base = await first.base();
  await first.waitFor(/Status: /);
  const researcher = fs.readFileSync(path.join(dataDir, 'researcher-token.txt'), 'utf8').trim();
  const completeCount = async (url: string, slug: string) => {
    const res = await fetch(`${url}/api/v1/surveys`, { headers: { authorization: `Bearer ${researcher}` } });
    const body = (await res.json()) as { surveys: { slug: string; responses: number }[] };
    return body.surveys.find((s) => s.slug === slug)?.responses;
  };

  // Two CLI processes at once while the server runs, and a second server on the same folder.
  const [link, demo, second] = await Promise.all([
    cli('link', 'create', '--survey', 'om-check-umweltschutz', '--audience', 'sme', '--label', 'CLI', '--json'),
    cli('demo', '--responses', '30', '--json'),
    runCli(['serve'], { ...env, PORT: '0' }, 150_000),
  ]);
  t.equal(link.code, 0, link.stderr);
  t.equal(demo.code, 0, demo.stderr);
  const { token } = JSON.parse(link.stdout) as { token: string };
  t.match(JSON.parse(demo.stdout), { stored: 30 });
  t.equal((await fetch(`${base}/s/${token}`)).status, 200, 'the server answers the link the CLI just created');
  t.equal(await completeCount(base, 'om-partner-befragung'), 30, 'the server counts the CLI’s 30 responses');

  t.not(second.code, 0, 'a second server on the same DATA_DIR does not start');
  t.match(second.stderr, /Auf DATA_DIR=.* läuft schon ein Befund-Server \(PID \d+\): .*oder starten Sie diesen Server mit einem anderen DATA_DIR/);
  t.match(second.stderr, /A Befund server \(PID \d+\) is already running on DATA_DIR=/);
  t.notMatch(second.stderr, noStack);
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'the first server still runs');

  await first.kill('SIGKILL');
  t.ok(readLock(dataDir), 'kill -9 left the server’s lock behind');

  // A CLI command that has the folder open directly (here: this test process holding the
  // lock, so the timing is ours) makes a starting server wait; the dead server's lock is
  // broken on the way.
  const held = tryLock(dataDir, { role: 'command', command: 'befund test' });
  if (!('info' in held)) throw new Error(`lock still held by ${JSON.stringify(held.holder)}`);
  const next = serve(env);
  t.teardown(() => next.kill('SIGKILL'));
  await next.waitFor(/Warte, bis befund test \(PID \d+\) fertig ist/);
  t.equal(next.child.exitCode, null, 'the server waits instead of opening the folder a second time');
  held.release();
  const base2 = await next.base();
  await next.waitFor(/Status: /);

  const more = await cli('demo', '--responses', '10', '--json');
  t.equal(more.code, 0, more.stderr);
  t.equal((await fetch(`${base2}/s/${token}`)).status, 200, 'the link survived kill -9');
  t.equal(await completeCount(base2, 'om-partner-befragung'), 40, 'all 30 + 10 responses are there');

  // The server dies (kill -9) while a command writes through it: the command says so in one
  // sentence; what was committed stays.
  let finished = false;
  const running = cli('demo', '--responses', '5000', '--json').finally(() => {
    finished = true;
  });
  let seen = 40;
  while (seen <= 40 && !finished) {
    await new Promise((r) => setTimeout(r, 100));
    seen = (await completeCount(base2, 'om-partner-befragung')) ?? 0;
  }
  await next.kill('SIGKILL');
  const cut = await running;
  t.equal(cut.code, 1);
  t.match(cut.stderr, /Die Verbindung zum Befund-Server ist abgebrochen oder er antwortet nicht mehr: .*starten Sie den Befehl noch einmal/);
  t.notMatch(cut.stderr, noStack);

  const direct = await cli('survey', 'list', '--json');
  t.equal(direct.code, 0, direct.stderr);
  const after = (JSON.parse(direct.stdout).surveys as { slug: string; responses: number }[]).find((s) => s.slug === 'om-partner-befragung')?.responses ?? 0;
  t.ok(after >= seen && after < 5040, `without a server, the CLI opens the folder itself, the stale lock does not block, and every response the server had counted is there (${seen} seen, ${after} stored)`);
  t.equal(readLock(dataDir), null, 'the CLI released its lock');
});

t.test('the lock file: a live holder is named, a dead or rebooted one is broken', { skip }, async (t) => {
  const dataDir = tmp('lock');
  const mine = tryLock(dataDir, { role: 'command', command: 'befund demo' });
  if (!('info' in mine)) throw new Error('fresh folder was locked');
  const again = tryLock(dataDir, { role: 'server', command: 'befund serve' });
  t.match(again, { holder: { pid: process.pid, role: 'command', command: 'befund demo' } }, 'a live holder keeps its lock');
  mine.release();
  t.notOk(fs.existsSync(lockPath(dataDir)), 'release removes the lock');

  // The lock of a process that has exited.
  const gone = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => gone.on('close', r));
  const stale = { pid: gone.pid, role: 'server', command: 'befund serve', nonce: 'dead', socketDir: dataDir };
  fs.writeFileSync(lockPath(dataDir), JSON.stringify(stale));
  t.notOk(holderAlive(stale as never), 'an exited pid is not alive');
  const taken = tryLock(dataDir, { role: 'command', command: 'befund export' });
  t.ok('info' in taken, 'a dead process’s lock is broken');
  if ('info' in taken) taken.release();

  // This process's pid, but written before a reboot (another boot id): stale as well.
  const before = { pid: process.pid === 1 ? 2 : 1, role: 'command', command: 'befund demo', nonce: 'old', bootId: 'another-boot' };
  fs.writeFileSync(lockPath(dataDir), JSON.stringify(before));
  if (fs.existsSync('/proc/sys/kernel/random/boot_id')) {
    const after = tryLock(dataDir, { role: 'command', command: 'befund demo' });
    t.ok('info' in after, 'a lock from before a reboot is broken');
    if ('info' in after) after.release();
  }
});

t.test('the socket bridge keeps the server’s and a client’s transactions apart', { skip }, async (t) => {
  const dir = tmp('bridge');
  const db = await PGlite.create();
  await db.exec('create table t (id int primary key, v text)');
  const bridge = await serveOverSocket(db, dir, { idleInTransactionMs: 60_000 });
  const pool = new pg.Pool({ host: dir, port: 5432, user: 'postgres', database: 'postgres', max: 3 });
  t.teardown(async () => {
    await pool.end();
    await bridge.close();
    await db.close();
  });

  // A client's transaction that rolls back takes nothing of the server's with it.
  const c = await pool.connect();
  await c.query('begin');
  await c.query(`insert into t values (1, 'client, rolled back')`);
  const serverWrite = db.query(`insert into t values (2, 'server')`);
  await c.query('rollback');
  c.release();
  await serverWrite;

  // A server transaction that fails takes nothing of the client's with it.
  const failing = db
    .transaction(async (tx) => {
      await tx.query(`insert into t values (3, 'server, rolled back')`);
      await new Promise((r) => setTimeout(r, 100));
      throw new Error('the server’s transaction fails');
    })
    .catch((err: Error) => err.message);
  await pool.query(`insert into t values (4, 'client')`);
  t.equal(await failing, 'the server’s transaction fails');

  // A client that dies inside a transaction: rolled back, and the database is free again.
  const dying = await pool.connect();
  dying.on('error', () => {});
  await dying.query('begin');
  await dying.query(`insert into t values (5, 'client, died')`);
  (dying as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  dying.release(true);
  await db.query(`insert into t values (6, 'server after the client died')`);

  const rows = (await db.query<{ id: number }>('select id from t order by id')).rows.map((r) => r.id);
  t.same(rows, [2, 4, 6]);
  t.same((await pool.query('select count(*)::int as n from t')).rows, [{ n: 3 }], 'the client sees the same rows');
});
