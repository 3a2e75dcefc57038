// Several instances on one database: sessions live in the database and the CSRF key is shared
// (kept in the database, or derived from SESSION_SECRET), so behind a load balancer without
// sticky sessions any instance accepts a login form, a workspace form and answers that another
// one served, and a form left open across a restart still goes through.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { links, responses } from '../../server/db/schema.ts';
import { createToken } from '../../server/repositories/tokens.ts';
import { dbLabel, freshPostgresDatabase } from '../helpers/app.ts';
import { seedSurvey } from '../helpers/fixtures.ts';

const base = process.env.DATABASE_URL;

/** One database for several instances: a fresh PostgreSQL database, or an embedded one in a temporary folder. */
async function sharedDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (base) {
    const fresh = await freshPostgresDatabase(base);
    return { env: { DATABASE_URL: fresh.url }, drop: fresh.drop };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'befund-instances-'));
  return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function instance(env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0', ...env }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}
const urlOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

/** A browser over real HTTP: keeps cookies, reads the CSRF token of the last page. */
function browser(origin: () => string) {
  const jar = new Map<string, string>();
  let csrf = '';
  async function request(method: string, url: string, form?: Record<string, string>) {
    const res = await fetch(`${origin()}${url}`, {
      method,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(c)) jar.delete(pair.slice(0, at));
      else jar.set(pair.slice(0, at), value);
    }
    const body = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (m) csrf = m[1];
    return { status: res.status, location: res.headers.get('location'), body };
  }
  return {
    get: (url: string) => request('GET', url),
    post: (url: string, fields: Record<string, string>) => request('POST', url, { _csrf: csrf, ...fields }),
  };
}

t.test(`a form served before a restart goes through after it (${dbLabel})`, async (t) => {
  const db = await sharedDatabase();
  t.teardown(db.drop);
  let app = await instance(db.env);
  const { token } = await createToken(app.db, 'researcher', 'restart', 'test');
  const b = browser(() => urlOf(app));
  t.equal((await b.get('/admin/login')).status, 200);
  await app.close();
  app = await instance(db.env);
  t.teardown(() => app.close());
  const login = await b.post('/admin/login', { token });
  t.equal(login.status, 303, 'the login form from before the restart is accepted');
  t.equal((await b.get('/admin')).status, 200, 'logged in');
});

t.test('with SESSION_SECRET the key comes from it: the same secret accepts the form, another refuses it', async (t) => {
  const db = await sharedDatabase();
  t.teardown(db.drop);
  const secret = { SESSION_SECRET: 'a'.repeat(40) };
  let app = await instance({ ...db.env, ...secret });
  const { token } = await createToken(app.db, 'researcher', 'secret', 'test');
  const b = browser(() => urlOf(app));
  await b.get('/admin/login');
  await app.close();
  app = await instance({ ...db.env, SESSION_SECRET: 'b'.repeat(40) });
  t.equal((await b.post('/admin/login', { token })).status, 403, 'an instance with another secret does not accept the form');
  await app.close();
  app = await instance({ ...db.env, ...secret });
  t.teardown(() => app.close());
  t.equal((await b.post('/admin/login', { token })).status, 303, 'one with the same secret does');
});

t.test(
  'two instances behind a round-robin proxy: a login, a workspace form and answers spread over both all succeed',
  { skip: base ? false : 'the embedded database belongs to one process; several instances need DATABASE_URL (runs with the PostgreSQL suite)' },
  async (t) => {
    const db = await sharedDatabase();
    t.teardown(db.drop);
    const apps = [await instance(db.env), await instance(db.env)];
    t.teardown(() => Promise.all(apps.map((a) => a.close())));
    const served = [0, 0];
    let next = 0;
    // The load balancer: each request to the next instance in turn, no stickiness.
    const proxy = http.createServer((req, res) => {
      const i = next++ % apps.length;
      served[i]++;
      const upstream = new URL(urlOf(apps[i]));
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.writeHead(502).end());
      req.pipe(out);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const front = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const survey = await seedSurvey(apps[0]);
    const { token } = await createToken(apps[0].db, 'researcher', 'two-instances', 'test');
    const b = browser(() => front);
    t.equal((await b.get('/admin/login')).status, 200, 'login page from instance 1');
    const login = await b.post('/admin/login', { token });
    t.equal(login.status, 303, 'login form accepted by instance 2');
    t.equal((await b.get('/admin/surveys/klein')).status, 200, 'the session from instance 2 is known to instance 1');
    const created = await b.post('/admin/surveys/klein/links', { audience: 'works_council', label: 'Zwei Instanzen' });
    t.equal(created.status, 303, 'the form served by instance 1 is accepted by instance 2');
    const [link] = await apps[0].db.select().from(links).where(and(eq(links.surveyId, survey.surveyId), eq(links.label, 'Zwei Instanzen')));
    t.ok(link, 'the link was created');

    const answer = async (body: Record<string, unknown>) => {
      const res = await fetch(`${front}/api/v1/links/${link.token}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const valid = { org: 'verband', channels: ['web'], satisfaction: 4 };
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await answer({ id: randomUUID(), complete: true, data: valid })).status);
    t.same(codes, Array(20).fill(201), '20 answers over both instances: all stored');

    const id = randomUUID();
    const partial = await answer({ id, complete: false, data: { org: 'kammer' } });
    t.equal(partial.status, 201);
    const put = await fetch(`${front}/api/v1/responses/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-resume-key': partial.body.resumeKey as string },
      body: JSON.stringify({ complete: true, data: { ...valid, org: 'kammer' } }),
    });
    t.equal(put.status, 200, 'a partial save continued on the other instance');

    const same = randomUUID();
    const replays = await Promise.all([1, 2, 3, 4].map(() => answer({ id: same, complete: true, data: valid })));
    t.same(replays.map((r) => r.status).sort(), [200, 200, 200, 201], 'one id sent 4× at once over both instances: one 201, three 200');

    const [{ n }] = await apps[1].db.select({ n: sql<number>`count(*)::int` }).from(responses).where(and(eq(responses.linkId, link.id), eq(responses.status, 'complete')));
    t.equal(n, 22, 'every acknowledged answer stored once');
    t.ok(served[0] >= 14 && served[1] >= 14, `both instances served requests (${served.join(' + ')})`);
  },
);

t.test('a SESSION_SECRET shorter than 32 characters stops the start with the fix', async (t) => {
  t.throws(() => loadConfig({ SESSION_SECRET: 'zu-kurz' }), /SESSION_SECRET muss mindestens 32 Zeichen lang sein, z\. B\. SESSION_SECRET=\$\(openssl rand -hex 32\)/);
  t.equal(loadConfig({ SESSION_SECRET: '' }).sessionSecret, undefined, 'empty is unset');
});
