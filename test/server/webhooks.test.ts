import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { webhookDeliveries } from '../../server/db/schema.ts';
import { signature } from '../../server/repositories/webhooks.ts';
import { buildTestApp } from '../helpers/app.ts';
import { researcherHeaders, seedLink, seedSurvey } from '../helpers/fixtures.ts';

// The receiver is on loopback, which only WEBHOOK_ALLOW_PRIVATE=1 permits (see webhooks-targets.test.ts).
const { app, cleanup } = await buildTestApp({ WEBHOOK_ALLOW_PRIVATE: '1' });
t.teardown(cleanup);
const survey = await seedSurvey(app);
const link = await seedLink(app, survey.surveyId, { segment: 'sme', label: 'Hook' });
const headers = await researcherHeaders(app);

/** A receiver on loopback that answers with the given statuses in turn and records what came. */
const received: { body: string; signature: string }[] = [];
const statuses: number[] = [];
/** While set, the receiver holds every request until it is released. */
let held: Promise<void> | null = null;
let onArrival = () => {};
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ body, signature: String(req.headers['x-befund-signature']) });
    onArrival();
    const reply = () => res.writeHead(statuses.shift() ?? 200).end();
    if (held) held.then(reply);
    else reply();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
t.teardown(() => receiver.close());
const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const submit = (data: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id: randomUUID(), complete: true, data } });

t.test('setting a webhook needs a researcher and an http(s) URL, and shows the secret once', async (t) => {
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/surveys/klein/webhook', payload: { url: hookUrl } })).statusCode, 401);
  const bad = await app.inject({ method: 'PUT', url: '/api/v1/surveys/klein/webhook', headers, payload: { url: 'ftp://x' } });
  t.equal(bad.statusCode, 400);
  t.equal((await app.inject({ method: 'PUT', url: '/api/v1/surveys/nope/webhook', headers, payload: { url: hookUrl } })).statusCode, 404);
});

t.test('a completed response is POSTed with a valid HMAC signature, retried after a failure', async (t) => {
  const set = await app.inject({ method: 'PUT', url: '/api/v1/surveys/klein/webhook', headers, payload: { url: hookUrl } });
  t.equal(set.statusCode, 200);
  const secret = set.json().secret as string;
  t.ok(secret.length >= 40, 'a long random secret');

  statuses.push(500); // the receiver fails once
  const res = await submit({ org: 'kammer', satisfaction: 3 });
  t.equal(res.statusCode, 201);
  const id = res.json().id as string;
  t.equal(await app.webhooks.deliverDue(), 0, 'first attempt fails');
  const [after1] = await app.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.responseId, id));
  t.equal(after1.attempts, 1);
  t.equal(after1.lastError, 'HTTP 500');
  t.ok((app.webhooks.retries.get(after1.id) ?? 0) > Date.now(), 'the retry waits (backoff)');
  t.equal(await app.webhooks.deliverDue(), 0, 'not tried again before its time');
  t.same(Object.keys(after1).sort(), ['attempts', 'id', 'lastError', 'responseId', 'surveyId'], 'no time is stored beside the response id');

  app.webhooks.retries.set(after1.id, Date.now() - 1000);
  t.equal(await app.webhooks.deliverDue(), 1, 'the retry is delivered');
  t.same(await app.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.responseId, id)), [], 'a delivered row is deleted');
  const last = received[received.length - 1];
  const payload = JSON.parse(last.body);
  t.equal(payload.event, 'response.completed');
  t.equal(payload.responseId, id);
  t.equal(payload.segment, 'sme');
  t.same(payload.data, { org: 'kammer', satisfaction: 3 });
  t.equal(last.signature, signature(secret, last.body), 'the signature verifies with the secret');
  t.not(last.signature, signature('wrong', last.body));
  t.equal(await app.webhooks.deliverDue(), 0, 'nothing is delivered twice');
});

t.test('a receiver that does not answer never delays the respondent', async (t) => {
  let release = () => {};
  held = new Promise((r) => {
    release = r;
  });
  t.teardown(() => {
    held = null;
    release();
  });
  const before = received.length;
  t.equal((await submit({ org: 'verband' })).statusCode, 201);
  const arrived = new Promise<void>((r) => {
    onArrival = r;
  });
  const delivering = app.webhooks.deliverDue();
  await arrived; // the receiver now holds the delivery's request
  const res = await submit({ org: 'kammer' });
  t.equal(res.statusCode, 201, 'the next respondent gets the 201 while a delivery hangs');
  release();
  t.ok((await delivering) >= 1, 'the hanging delivery completes once the receiver answers');
  await app.webhooks.deliverDue();
  t.equal(received.length, before + 2, 'both responses were delivered');
});

t.test('a partial save sends nothing; removing the webhook stops deliveries', async (t) => {
  const before = received.length;
  const partial = await app.inject({ method: 'POST', url: `/api/v1/links/${link.token}/responses`, payload: { id: randomUUID(), complete: false, data: { satisfaction: 1 } } });
  t.equal(partial.statusCode, 201);
  const off = await app.inject({ method: 'PUT', url: '/api/v1/surveys/klein/webhook', headers, payload: { url: null } });
  t.same(off.json(), { url: null, secret: null });
  await submit({ org: 'kammer' });
  t.equal(await app.webhooks.deliverDue(), 0);
  t.equal(received.length, before);
});
