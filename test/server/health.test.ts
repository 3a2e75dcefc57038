import { Writable } from 'node:stream';
import t from 'tap';
import { buildTestApp, dbLabel } from '../helpers/app.ts';

t.test(`/healthz answers 200 and names the database (${dbLabel})`, async (t) => {
  const { app, cleanup } = await buildTestApp();
  t.teardown(cleanup);
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ok', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
});

t.test('the request log holds neither the client address nor the user agent', async (t) => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { app, cleanup } = await buildTestApp({ LOG_LEVEL: 'trace' }, { logStream });
  t.teardown(cleanup);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/healthz?x=1`, {
    headers: { 'user-agent': 'Befund-Test-Agent/1.0', 'x-forwarded-for': '203.0.113.7' },
  });
  t.equal(res.status, 200);
  const log = lines.filter((l) => l.includes('"reqId"')).join('');
  t.match(log, /"url":"\/healthz"/, 'requests are logged');
  t.notMatch(log, /127\.0\.0\.1:\d+|"remoteAddress"|203\.0\.113\.7/, 'no client address');
  t.notMatch(log, /Befund-Test-Agent/, 'no user agent');
});

t.test('an unknown route answers 404 with a message, not a stack trace', async (t) => {
  const { app, cleanup } = await buildTestApp();
  t.teardown(cleanup);
  const res = await app.inject({ method: 'GET', url: '/nope' });
  t.equal(res.statusCode, 404);
  t.same(res.json(), { message: 'Nicht gefunden' });
});
