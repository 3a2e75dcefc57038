import t from 'tap';
import { buildTestApp } from '../helpers/app.ts';
import { researcherHeaders } from '../helpers/fixtures.ts';

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);

t.test('the OpenAPI document needs a researcher token', async (t) => {
  t.equal((await app.inject('/api/docs')).statusCode, 401);
});

t.test('the OpenAPI document lists the routes with their error responses', async (t) => {
  const res = await app.inject({ url: '/api/docs', headers: await researcherHeaders(app) });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.match(doc.openapi, /^3\./);
  const post = doc.paths['/api/v1/links/{token}/responses'].post;
  t.same(Object.keys(post.responses).sort(), ['200', '201', '404', '409', '410', '422', '503']);
  const links = doc.paths['/api/v1/surveys/{slug}/links'].post;
  t.ok(links.responses['401'] && links.responses['403'] && links.responses['404'], 'researcher routes document 401, 403 and 404');
  t.notOk(doc.paths['/api/docs'], 'the document does not list itself');
  const profiles = doc.paths['/api/v1/surveys/{slug}/profiles'];
  t.ok(profiles?.get && profiles?.put, 'a survey\'s own audience profiles: GET and PUT');
  t.same(Object.keys(profiles.put.responses).sort(), ['200', '400', '401', '403', '404', '422'], 'PUT documents its refusal (422 with one sentence per mistake)');
});
