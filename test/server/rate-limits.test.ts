// Abuse limits that lock out only the attacker: wrong credentials are counted per client address,
// a valid token is always checked and accepted, asking without a credential counts nothing, and
// behind a reverse proxy (TRUST_PROXY) clients are told apart by X-Forwarded-For. No address
// appears in the log.
import { Writable } from 'node:stream';
import t from 'tap';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { FAILURE_LIMITS } from '../../server/plugins/app/auth.ts';
import { fastifyTrustProxy, parseTrustProxy as trustProxy } from '../../server/trust-proxy.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';

const lines: string[] = [];
const logStream = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
const { app, cleanup } = await buildTestApp({ LOG_LEVEL: 'info' }, { logStream });
t.teardown(cleanup);
const valid = await researcherHeaders(app);
const LIMIT = FAILURE_LIMITS.api;

const surveys = (remoteAddress: string, headers: Record<string, string> = {}) => app.inject({ url: '/api/v1/surveys', remoteAddress, headers });
const wrong = (i: number) => ({ authorization: `Bearer bef_wrong-${i}` });

t.test(`an attacker gets 429 after ${LIMIT} wrong tokens; a valid token from the same address still works (${dbLabel})`, async (t) => {
  const attacker = '198.51.100.7';
  const codes: number[] = [];
  for (let i = 0; i < LIMIT + 10; i++) codes.push((await surveys(attacker, wrong(i))).statusCode);
  t.same(codes.slice(0, LIMIT), Array(LIMIT).fill(401), `the first ${LIMIT} wrong tokens: 401`);
  t.same(codes.slice(LIMIT), Array(10).fill(429), 'then 429');
  const limited = await surveys(attacker, wrong(999));
  t.ok(Number(limited.headers['retry-after']) > 0, 'with Retry-After');
  t.match(limited.json().message, /Zu viele fehlgeschlagene Anmeldungen/);

  const ok = await surveys(attacker, valid);
  t.equal(ok.statusCode, 200, 'the valid token is checked before any limit and accepted');
  t.equal((await surveys(attacker, valid)).statusCode, 200, 'again');
  t.equal((await surveys(attacker, wrong(1000))).statusCode, 429, 'a wrong one is still refused with 429');
  t.equal((await surveys('198.51.100.8', wrong(1001))).statusCode, 401, 'another address is not limited');
});

t.test('asking without a credential is not counted as a failure', async (t) => {
  const codes = new Set<number>();
  for (let i = 0; i < LIMIT + 5; i++) codes.add((await surveys('198.51.100.20')).statusCode);
  t.same([...codes], [401]);
  t.equal((await surveys('198.51.100.20', wrong(1))).statusCode, 401, 'and leaves the budget for wrong credentials whole');
});

t.test('without TRUST_PROXY, X-Forwarded-For is ignored: all clients behind one proxy share its address', async (t) => {
  const proxy = '198.51.100.30';
  for (let i = 0; i < LIMIT; i++) await surveys(proxy, { ...wrong(i), 'x-forwarded-for': '203.0.113.1' });
  t.equal((await surveys(proxy, { ...wrong(99), 'x-forwarded-for': '203.0.113.2' })).statusCode, 429, 'the other client is limited too');
  t.equal((await surveys(proxy, { ...valid, 'x-forwarded-for': '203.0.113.2' })).statusCode, 200, 'but its valid token still works');
});

t.test('behind TRUST_PROXY=1 two clients with different X-Forwarded-For are limited separately', async (t) => {
  const behind = await buildTestApp({ TRUST_PROXY: '1', LOG_LEVEL: 'info' }, { logStream });
  t.teardown(behind.cleanup);
  const token = await researcherHeaders(behind.app);
  const proxy = '127.0.0.1';
  const via = (client: string, headers: Record<string, string>) =>
    behind.app.inject({ url: '/api/v1/surveys', remoteAddress: proxy, headers: { ...headers, 'x-forwarded-for': client } });
  const attacker: number[] = [];
  for (let i = 0; i <= LIMIT; i++) attacker.push((await via('203.0.113.66', wrong(i))).statusCode);
  t.equal(attacker.at(-1), 429, 'the attacker is limited');
  t.equal((await via('203.0.113.77', wrong(0))).statusCode, 401, 'another client behind the same proxy is not');
  t.equal((await via('203.0.113.77', token)).statusCode, 200);
  t.equal((await via('203.0.113.66', token)).statusCode, 200, "and the attacker's address with a valid token is accepted too");
});

t.test('no client address appears in the log', async (t) => {
  t.ok(lines.length > 0, 'there is a log');
  const addresses = lines.filter((l) => /198\.51\.100\.|203\.0\.113\.|127\.0\.0\.1/.test(l));
  t.same(addresses, [], 'no line names an address');
});

t.test('TRUST_PROXY takes false, true, a number of hops or addresses; anything else names the fix', async (t) => {
  t.equal(trustProxy('false'), false);
  t.equal(trustProxy('0'), false);
  t.equal(trustProxy('true'), true);
  t.equal(trustProxy('2'), 2);
  t.same(trustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback'), ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
  t.equal(loadConfig({}).trustProxy, false, 'off by default');
  const hops = fastifyTrustProxy(1) as (address: string, hop: number) => boolean;
  t.ok(hops('127.0.0.1', 0) && hops('10.1.2.3', 0) && hops('::ffff:192.168.1.9', 0), 'one hop: a proxy on this machine or in a private network is believed');
  t.notOk(hops('198.51.100.1', 0), 'a client reaching the server directly from outside is not (Fastify refuses bare hop counts for this reason)');
  t.notOk(hops('10.1.2.3', 1), 'nor a second hop');
  t.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
  for (const bad of ['yes', '10.0.0.0/33', 'proxy.example.org', '1.5', '127.0.0.1,']) {
    t.throws(() => loadConfig({ TRUST_PROXY: bad }), ConfigError, bad);
    try {
      loadConfig({ TRUST_PROXY: bad });
    } catch (err) {
      t.match((err as Error).message, /TRUST_PROXY muss false, true, die Zahl der Proxys .*TRUST_PROXY=1/, `${bad}: the sentence names the fix`);
    }
  }
});
