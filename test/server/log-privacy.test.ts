// A database error while an answer is stored is logged without the answer: no answer text, no
// link token, no response id (so no id beside a millisecond time), no query parameters.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { cleanText, serializeError } from '../../server/logging.ts';
import { buildTestApp, dbLabel } from '../helpers/app.ts';
import { seedLink, seedSurvey } from '../helpers/fixtures.ts';

const MARKER = 'Befund-Marker-7f3a-Geheimnis';

t.test(`a database error while storing an answer logs none of the answer (${dbLabel})`, async (t) => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const { app, cleanup } = await buildTestApp({ LOG_LEVEL: 'trace' }, { logStream });
  t.teardown(cleanup);
  const survey = await seedSurvey(app);
  const link = await seedLink(app, survey.surveyId);
  // The database refuses the row: its error carries the whole row (detail) and Drizzle's
  // message carries every parameter, the answer JSON and the resume key hash among them.
  await app.db.execute(sql.raw(`alter table responses add constraint no_marker check (data::text not like '%${MARKER}%')`));

  const id = randomUUID();
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/links/${link.token}/responses`,
    payload: { id, complete: true, data: { org: 'kammer', why: `Weil ${MARKER}`, satisfaction: 4 } },
  });
  t.equal(res.statusCode, 500, 'the refused insert is a server error');
  t.notMatch(res.body, MARKER, 'the reply does not echo the answer');

  const failed = lines.filter((l) => l.includes('request failed'));
  t.equal(failed.length, 1, 'the error is logged');
  t.match(failed[0], /"code":"23514"/, 'with its SQLSTATE, so it can be diagnosed');
  const log = lines.join('\n');
  t.notMatch(log, MARKER, 'no answer text');
  t.notMatch(log, link.token, 'no link token');
  t.notMatch(log, id, 'no response id');
  t.notMatch(log, /params:|"parameters"|"detail"|Failing row/, 'no query parameters, no failing row');
  for (const line of lines)
    t.notOk(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(line) && /\d{13}/.test(line), 'no id beside a millisecond time', { line });
  t.match(log, /"url":"\/api\/v1\/links\/:token\/responses"/, 'the request is logged by its route pattern');
});

t.test('an error is logged by type, code and a cleaned message', async (t) => {
  const pgError = Object.assign(new Error('invalid input syntax for type uuid: "0f0e9c8a-secret"'), {
    code: '22P02',
    detail: 'Key (id)=(0f0e9c8a-1111-4222-8333-444455556666) already exists.',
    parameters: ['x'],
  });
  const id = '0f0e9c8a-1111-4222-8333-444455556666';
  const drizzle = Object.assign(new Error(`Failed query: insert into responses values ($1, $2)\nparams: ${id},{"why":"${MARKER}"}`), { cause: pgError, query: 'insert …', params: [id] });
  const out = JSON.stringify(serializeError(drizzle));
  t.notMatch(out, MARKER);
  t.notMatch(out, id);
  t.notMatch(out, /secret|"detail"|"parameters"|"params"|"query"/);
  t.match(out, /Failed query: insert into responses/);
  t.match(out, /"code":"22P02"/);
  t.equal(cleanText("where token = 'abc'"), "where token = '…'");
});
