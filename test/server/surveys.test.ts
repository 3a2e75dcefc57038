import t from 'tap';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { researcherHeaders, smallSurvey } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const headers = await researcherHeaders(app);

t.test(`researcher routes answer 401 without a token and 401 with a wrong one (${dbLabel})`, async (t) => {
  const none = await app.inject('/api/v1/surveys');
  t.equal(none.statusCode, 401);
  t.match(none.json().message, /Bearer/);
  const wrong = await app.inject({ url: '/api/v1/surveys', headers: { authorization: 'Bearer bef_wrong' } });
  t.equal(wrong.statusCode, 401);
});

t.test('importing a definition makes version 1; the identical one changes nothing; a changed one makes version 2', async (t) => {
  const first = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: 'pruefung', definition: smallSurvey } });
  t.equal(first.statusCode, 201);
  t.same(first.json(), { slug: 'pruefung', version: 1, created: true, sanitized: [], warnings: [] });
  const same = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: 'pruefung', definition: smallSurvey } });
  t.equal(same.statusCode, 200);
  t.same(same.json(), { slug: 'pruefung', version: 1, created: false, sanitized: [], warnings: [] });
  const changed = { ...smallSurvey, title: { de: 'Geänderte Testumfrage', en: 'Changed' } };
  const second = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: 'pruefung', definition: changed } });
  t.same(second.json(), { slug: 'pruefung', version: 2, created: true, sanitized: [], warnings: [] });
  const detail = await app.inject({ url: '/api/v1/surveys/pruefung', headers });
  t.same(detail.json().versions.map((v: { version: number }) => v.version), [1, 2]);
  t.equal(detail.json().title, 'Geänderte Testumfrage');
});

t.test('a broken definition is refused with one finding per element and nothing is imported', async (t) => {
  const broken = { title: 'Kaputt', pages: [{ name: 'p', elements: [{ type: 'radiogroup', name: 'a', choices: ['x'] }, { type: 'text', name: 'a' }, { type: 'nosuchtype', name: 'b' }] }] };
  const res = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: 'kaputt', definition: broken } });
  t.equal(res.statusCode, 422);
  const findings = res.json().findings as { element: string }[];
  t.ok(findings.some((f) => f.element === 'a'), 'duplicate name named');
  t.ok(findings.some((f) => f.element === 'b'), 'unknown type named');
  const missing = await app.inject({ url: '/api/v1/surveys/kaputt', headers });
  t.equal(missing.statusCode, 404);
});

t.test('links are created with a random token of at least 128 bits, listed with counts, and revoked', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/surveys/pruefung/links', headers, payload: { audience: 'intermediary', label: 'IHK Aachen', max: 50 } });
  t.equal(created.statusCode, 201);
  const link = created.json();
  t.ok(Buffer.from(link.token, 'base64url').length * 8 >= 128, 'token has ≥128 bits');
  t.match(link.url, new RegExp(`/s/${link.token}$`));
  t.equal(link.segment, 'intermediary');
  const bad = await app.inject({ method: 'POST', url: '/api/v1/surveys/pruefung/links', headers, payload: { audience: 'Alle Leute' } });
  t.equal(bad.statusCode, 400);
  t.match(bad.json().message, /audience/);
  const list = await app.inject({ url: '/api/v1/surveys/pruefung/links', headers });
  t.same(
    list.json().links.map((l: { label: string; complete: number; partial: number }) => [l.label, l.complete, l.partial]),
    [['IHK Aachen', 0, 0]],
  );
  const revoke = await app.inject({ method: 'DELETE', url: `/api/v1/surveys/pruefung/links/${link.id}`, headers });
  t.equal(revoke.statusCode, 204);
  t.equal((await app.inject(`/api/v1/links/${link.token}`)).statusCode, 410);
});

t.test('a researcher sets the retention period and archives a survey; an archived survey takes no answers', async (t) => {
  const bad = await app.inject({ method: 'PATCH', url: '/api/v1/surveys/pruefung', headers, payload: { retentionDays: 0 } });
  t.equal(bad.statusCode, 400);
  const set = await app.inject({ method: 'PATCH', url: '/api/v1/surveys/pruefung', headers, payload: { retentionDays: 365 } });
  t.same(set.json(), { slug: 'pruefung', retentionDays: 365, archived: false });
  const link = await app.inject({ method: 'POST', url: '/api/v1/surveys/pruefung/links', headers, payload: { audience: 'sme' } });
  const archived = await app.inject({ method: 'PATCH', url: '/api/v1/surveys/pruefung', headers, payload: { archived: true } });
  t.same(archived.json(), { slug: 'pruefung', retentionDays: 365, archived: true });
  t.equal((await app.inject(`/api/v1/links/${link.json().token}`)).statusCode, 410);
  t.equal((await app.inject({ method: 'PATCH', url: '/api/v1/surveys/pruefung', payload: { archived: false } })).statusCode, 401);
});
