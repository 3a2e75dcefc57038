// Overload and slow clients, over real sockets against the real app (listening in this process):
// - while the event loop lags behind, requests get 503 with Retry-After and a sentence at once,
//   /healthz included, and the server serves normally again once the lag is gone;
// - one synchronous block longer than the sampling second is not mistaken for overload: the
//   next request is served (server/overload.ts);
// - a client that sends its headers or its body too slowly is cut off after
//   HTTP_REQUEST_TIMEOUT_MS, a kept-alive socket after HTTP_KEEP_ALIVE_TIMEOUT_MS, a socket that
//   never sends anything after HTTP_CONNECTION_TIMEOUT_MS at the latest.
// The load is made by blocking this process's event loop (the one the server runs on), so no
// heavy route is needed in the production code. Timeouts are set to about a second here; the
// assertions only say "closed, and within 10 s" (cut off rather than held forever).
// Runs alone in .ci/run: it measures event-loop lag, which a busy neighbour process would add to.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { links } from '../../server/db/schema.ts';
import { prepareStudy } from '../../server/startup.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET on a fresh connection; rejects if no answer came within 15 s (a hang). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer to ${path} within 15 s`)));
    req.on('error', reject);
  });
}

/** Keeps the event loop busy for `ms` (a synchronous block, as a heavy computation would). */
function block(ms: number): void {
  const start = performance.now();
  while (performance.now() - start < ms) {
    // busy on purpose
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as net.AddressInfo).port;
}

/** Waits (at most 10 s) until the server does not count itself overloaded. */
async function calm(app: FastifyInstance): Promise<void> {
  const giveUp = performance.now() + 10_000;
  while (app.isUnderPressure() && performance.now() < giveUp) await sleep(50);
}

/** A link token of the demo study, for a normal respondent page. */
async function someLink(app: FastifyInstance): Promise<string> {
  await prepareStudy(app);
  const [link] = await app.db.select().from(links).limit(1);
  return link.token;
}

t.test(`under overload requests get 503 with Retry-After at once, and are served again afterwards (${dbLabel})`, async (t) => {
  const threshold = 100;
  const { app, cleanup } = await buildTestApp({ MAX_EVENT_LOOP_DELAY_MS: String(threshold) });
  t.teardown(cleanup);
  const port = await listen(app);
  const page = `/s/${await someLink(app)}`;
  // Building the app and the study keeps the loop busy for a while: wait (bounded) until that
  // has passed before the baseline.
  await calm(app);
  t.equal((await get(port, page)).status, 200, 'the respondent page is served before the load');
  t.equal((await get(port, '/healthz')).status, 200, '/healthz is 200 before the load');

  // Overload: the loop is blocked 400 ms at a time with barely a pause, so most samples of the
  // event-loop delay are about 400 ms, far above the 100 ms threshold (a sample taken between
  // two blocks is small, so the margin is wide). Bounded by `busyUntil`.
  let busy = true;
  const busyUntil = performance.now() + 20_000;
  const burn = () => {
    block(400);
    if (busy && performance.now() < busyUntil) setImmediate(burn);
  };
  setImmediate(burn);
  t.teardown(() => {
    busy = false;
  });
  // wait until the lag has been measured (two sampling seconds in a row, server/overload.ts)
  while (!app.isUnderPressure() && performance.now() < busyUntil - 10_000) await sleep(20);
  t.ok(app.isUnderPressure(), 'the server counts itself overloaded');

  const [de, en, health] = await Promise.all([get(port, page), get(port, `${page}?lang=en`), get(port, '/healthz')]);
  busy = false;
  t.equal(de.status, 503, 'the respondent page is refused at once');
  t.equal(de.headers['retry-after'], '5', 'with Retry-After');
  t.equal(JSON.parse(de.body).message, 'Der Server ist gerade überlastet. Bitte versuchen Sie es in einigen Sekunden noch einmal.', 'and a German sentence');
  t.equal(en.status, 503);
  t.equal(JSON.parse(en.body).message, 'The server is overloaded at the moment. Please try again in a few seconds.', 'in English when asked for');
  t.equal(health.status, 503, '/healthz answers, and says the server is overloaded, rather than hanging');
  t.equal(health.headers['retry-after'], '5');
  t.same(JSON.parse(health.body), { status: 'unavailable', database: app.dbKind, reason: 'overloaded', message: 'Server überlastet' }, 'with its reason');

  // Once the load is gone the next sample is normal and requests are served again.
  const recovered = performance.now() + 10_000;
  let after = await get(port, page);
  while (after.status === 503 && performance.now() < recovered) {
    await sleep(100);
    after = await get(port, page);
  }
  t.equal(after.status, 200, 'after the load the page is served again');
  t.equal((await get(port, '/healthz')).status, 200, 'and /healthz is 200 again');
});

t.test(`one synchronous block of more than a second is not taken for overload (${dbLabel})`, async (t) => {
  // the production default of MAX_EVENT_LOOP_DELAY_MS (1000 ms)
  const { app, cleanup } = await buildTestApp({ MAX_EVENT_LOOP_DELAY_MS: '1000' });
  t.teardown(cleanup);
  const port = await listen(app);
  const page = `/s/${await someLink(app)}`;
  await calm(app);
  // Each round blocks at another moment of the one-second sampling cycle, starting right after
  // under-pressure's own sample: its timer then comes round again before Node's sampler has
  // recorded anything, which it counted as an infinite delay (every request shed for the next
  // second). Later moments leave the block's one long sample alone in an interval.
  for (const [round, offset] of [0, 0, 250, 500, 750].entries()) {
    await new Promise<void>((resolve) => {
      const before = app.memoryUsage().eventLoopDelay;
      const giveUp = performance.now() + 5_000;
      const poll = setInterval(() => {
        if (app.memoryUsage().eventLoopDelay !== before || performance.now() > giveUp) {
          clearInterval(poll);
          const go = () => {
            block(1_200);
            resolve();
          };
          if (offset === 0) go();
          else setTimeout(go, offset);
        }
      }, 1);
    });
    const next = await get(port, page);
    t.equal(next.status, 200, `round ${round + 1}: the next request after a 1.2 s block (${offset} ms after a sample) is served`);
  }
});

/** Resolves with what the server sent once it closes the socket; rejects after 10 s. */
function closed(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (received += d));
    socket.on('error', () => {}); // a reset is a close too
    const limit = setTimeout(() => reject(new Error('the server held the socket open for 10 s')), 10_000);
    socket.on('close', () => {
      clearTimeout(limit);
      resolve(received);
    });
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
  });
}

t.test(`slow and idle clients are cut off after the configured timeouts (${dbLabel})`, async (t) => {
  const { app, config, cleanup } = await buildTestApp({
    HTTP_REQUEST_TIMEOUT_MS: '1000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
    HTTP_CONNECTION_TIMEOUT_MS: '2000',
  });
  t.teardown(cleanup);
  t.same(
    [config.timeouts.httpRequestMs, config.timeouts.httpKeepAliveMs, config.timeouts.httpConnectionMs],
    [1000, 1000, 2000],
    'the timeouts come from the settings',
  );
  const port = await listen(app);

  t.test('headers that trickle in and never end', async (t) => {
    const socket = await connect(port);
    const done = closed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: befund.test\r\n');
    // a header line every 200 ms keeps the socket busy (no idle timeout) but never finishes
    let n = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(`X-Slow-${n++}: ${'a'.repeat(10)}\r\n`);
    }, 200);
    t.teardown(() => clearInterval(drip));
    const received = await done;
    clearInterval(drip);
    t.ok(socket.destroyed, 'the socket is closed');
    t.match(received, /^HTTP\/1\.1 408 Request Timeout/, 'with 408 Request Timeout');
  });

  t.test('a body that never completes', async (t) => {
    const socket = await connect(port);
    const done = closed(socket);
    socket.write('POST /api/v1/responses HTTP/1.1\r\nHost: befund.test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"id":');
    let n = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(String(n++ % 10));
    }, 200);
    t.teardown(() => clearInterval(drip));
    const received = await done;
    clearInterval(drip);
    t.ok(socket.destroyed, 'the socket is closed');
    t.match(received, /^HTTP\/1\.1 408 Request Timeout/, 'with 408 Request Timeout');
  });

  t.test('a kept-alive socket left idle after a request', async (t) => {
    const socket = await connect(port);
    const done = closed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: befund.test\r\nConnection: keep-alive\r\n\r\n');
    const received = await done;
    t.match(received, /^HTTP\/1\.1 200 OK/, 'the request was answered');
    t.match(received, /keep-alive: timeout=1\b/i, 'the answer tells the client the keep-alive timeout (1 s)');
    t.equal(received.match(/^HTTP\/1\.1 /gm)?.length, 1, 'then the idle socket was closed');
  });

  t.test('a socket that never sends anything', async (t) => {
    const socket = await connect(port);
    const received = await closed(socket);
    t.ok(socket.destroyed, 'the socket is closed');
    t.notMatch(received, /200 OK/, 'nothing was served on it');
  });

  t.test('a normal request is not affected', async (t) => {
    t.equal((await get(port, '/healthz')).status, 200);
  });
});
