// Webhooks without WEBHOOK_ALLOW_PRIVATE: loopback, private, link-local and unique-local targets
// are refused at registration (a German sentence naming the setting) and again at delivery,
// after DNS, so a name that later resolves to such an address gains nothing. Also: several
// deliveries in flight at once (bounded), and the cleanup of deliveries that gave up.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { loadConfig } from '../../server/config.ts';
import { responses, webhookDeliveries } from '../../server/db/schema.ts';
import { eraseResponse } from '../../server/repositories/responses.ts';
import { isPrivateAddress, MAX_ATTEMPTS, purgeFailedDeliveries, setWebhook, webhookTargetProblem } from '../../server/repositories/webhooks.ts';
import { buildTestApp } from '../helpers/app.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const survey = await seedSurvey(app);
const link = await seedLink(app, survey.surveyId, { segment: 'sme', label: 'Hook' });
const headers = await researcherHeaders(app);

let received = 0;
let inFlight = 0;
let maxInFlight = 0;
let delayMs = 0;
const receiver = http.createServer((req, res) => {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  req.resume();
  req.on('end', () =>
    setTimeout(() => {
      received++;
      inFlight--;
      res.writeHead(200).end();
    }, delayMs),
  );
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
t.teardown(() => receiver.close());
const port = (receiver.address() as { port: number }).port;

const submit = () =>
  app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id: randomUUID(), complete: true, data: { org: 'kammer', satisfaction: 3 } } });
const pending = async () => (await app.db.select().from(webhookDeliveries)).length;

t.test('private, loopback, link-local and unique-local addresses are recognised in every spelling', async (t) => {
  for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd12:3456::1', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a00:1', '64:ff9b::7f00:1', '2002:7f00:1::1', '[::1]'])
    t.ok(isPrivateAddress(ip), `${ip} is refused`);
  for (const ip of ['8.8.8.8', '93.184.216.34', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) t.notOk(isPrivateAddress(ip), `${ip} is allowed`);
});

t.test('registration refuses such targets with a sentence that names WEBHOOK_ALLOW_PRIVATE', async (t) => {
  const urls = [
    `http://127.0.0.1:${port}/hook`,
    'http://2130706433/hook', // 127.0.0.1 as one decimal number
    'http://0x7f.0.0.1/hook', // hexadecimal
    'http://0177.0.0.1/hook', // octal
    'http://127.1/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fd00::5]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.8/hook',
    'http://192.168.0.1/hook',
    `http://localhost:${port}/hook`, // a name that resolves to loopback
  ];
  for (const url of urls) {
    const res = await app.inject({ method: 'PUT', url: '/api/v1/surveys/klein/webhook', headers, payload: { url } });
    t.equal(res.statusCode, 400, `${url} is refused`);
    t.match(res.json().message, /WEBHOOK_ALLOW_PRIVATE=1/, 'the sentence names the setting');
    t.match(res.json().message, /gesperrt/);
  }
  const [row] = await app.db.execute(sql`select webhook_url from surveys where slug = 'klein'`).then((r) => (r as unknown as { rows: { webhook_url: string | null }[] }).rows);
  t.equal(row.webhook_url, null, 'nothing was stored');
  t.equal(await webhookTargetProblem('https://93.184.216.34/hook', false), null, 'a public address is accepted');
  t.equal(await webhookTargetProblem(`http://127.0.0.1:${port}/hook`, true), null, 'WEBHOOK_ALLOW_PRIVATE=1 accepts loopback');
  t.throws(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'ja' }), /WEBHOOK_ALLOW_PRIVATE muss 1 oder 0 sein/);
});

// The app's own worker (app.webhooks.deliverDue) is used throughout: its background timer runs
// too, and calling the same job keeps the two from racing each other.
t.test('delivery checks the address it connects to: a name that now resolves to loopback gets nothing', async (t) => {
  // As if the name had resolved to a public address at registration (DNS rebinding).
  await setWebhook(app.db, survey.surveyId, `http://localhost:${port}/hook`, 'test');
  const res = await submit();
  t.equal(res.statusCode, 201);
  t.equal(await app.webhooks.deliverDue(), 0);
  t.equal(received, 0, 'the receiver on loopback was never reached');
  const [row] = await app.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.responseId, res.json().id));
  t.ok(row.attempts >= 1, 'the refusal counts as a failed attempt');
  t.match(row.lastError, /refused: private address/);

  await setWebhook(app.db, survey.surveyId, `http://[::ffff:127.0.0.1]:${port}/hook`, 'test');
  const literal = await submit();
  t.equal(await app.webhooks.deliverDue(), 0);
  t.equal(received, 0, 'an address literal is refused too');
  const [row2] = await app.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.responseId, literal.json().id));
  t.match(row2.lastError, /refused: private address ::ffff:7f00:1/);
  await app.db.delete(webhookDeliveries);
  app.webhooks.retries.clear();
});

t.test('several deliveries are in flight at once, never more than the bound', async (t) => {
  // An app of its own that may reach loopback, with a bound of 4.
  const own = await buildTestApp({ WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_CONCURRENCY: '4' });
  t.teardown(own.cleanup);
  const s = await seedSurvey(own.app);
  const l = await seedLink(own.app, s.surveyId, { segment: 'sme', label: 'Hook' });
  await setWebhook(own.app.db, s.surveyId, `http://127.0.0.1:${port}/hook`, 'test');
  for (let i = 0; i < 24; i++)
    t.equal((await own.app.inject({ method: 'POST', url: `/api/v1/links/${l.token}/responses`, payload: { id: randomUUID(), complete: true, data: { org: 'kammer' } } })).statusCode, 201);
  delayMs = 100;
  maxInFlight = 0;
  received = 0;
  const left = async () => (await own.app.db.select().from(webhookDeliveries)).length;
  for (let round = 0; round < 10 && (await left()) > 0; round++) await own.app.webhooks.deliverDue();
  t.equal(received, 24, 'all 24 delivered, each exactly once');
  t.ok(maxInFlight > 1, `deliveries overlapped (at most ${maxInFlight} at once)`);
  t.ok(maxInFlight <= 4, 'never more than the bound of 4');
  t.equal(await left(), 0, 'every delivered row is deleted');
  delayMs = 0;
});

t.test('a delivery whose response was erased, or whose webhook was removed, is dropped without a POST', async (t) => {
  await setWebhook(app.db, survey.surveyId, `http://127.0.0.1:${port}/hook`, 'test');
  received = 0;
  const erased = (await submit()).json().id as string;
  t.ok(await eraseResponse(app.db, erased, 'test'));
  await submit();
  await setWebhook(app.db, survey.surveyId, null, 'test');
  t.equal(await app.webhooks.deliverDue(), 0);
  t.equal(received, 0, 'nothing was sent');
  t.equal(await pending(), 0, 'and nothing is left to retry');
});

t.test('deliveries that gave up are deleted after the retention, counted from the completion day', async (t) => {
  await setWebhook(app.db, survey.surveyId, `http://127.0.0.1:${port}/hook`, 'test');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await submit()).json().id);
  await app.db.update(webhookDeliveries).set({ attempts: MAX_ATTEMPTS, lastError: 'HTTP 500' });
  // The first response was completed 40 days ago, the second 10; the third has been erased.
  await app.db.update(responses).set({ completedOn: sql`current_date - 40` }).where(eq(responses.id, ids[0]));
  await app.db.update(responses).set({ completedOn: sql`current_date - 10` }).where(eq(responses.id, ids[1]));
  await app.db.execute(sql`delete from responses where id = ${ids[2]}`);
  // (The background job purges with the default of 30 days too, so the end state is asserted.)
  await purgeFailedDeliveries(app.db, 30);
  const left = await app.db.select().from(webhookDeliveries);
  t.same(
    left.map((r) => r.responseId),
    [ids[1]],
    'the old one and the one without a response are gone; the recent failure stays for inspection',
  );
  t.equal(await purgeFailedDeliveries(app.db, 5), 1, 'a shorter retention takes it too');
});
