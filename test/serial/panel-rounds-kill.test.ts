// kill -9 of the server during a mail round it sends (issue 14): `befund serve` runs as a real
// process with SMTP_URL pointing at a slow SMTP server in this process; the researcher sends the
// invitations through the API; the server is killed with SIGKILL while the SMTP server holds a
// mail it has read in full but not acknowledged. A new server takes the round over (on the
// embedded database at its start, on PostgreSQL once the killed server's lease ran out) and sends
// the rest: nobody receives the invitation twice, the cut-off mail is "uncertain", and the round
// is shown as sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { root, runCli, startServer } from '../helpers/cli.ts';
import { slowSmtp } from '../helpers/smtp.ts';

const N = 30;
const SURVEY = 'om-check-umweltschutz';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
t.setTimeout(600_000);

t.test(`the server killed with SIGKILL mid-round: the next server finishes the round, nobody gets a mail twice (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-rounds-kill-'));
  const pgDb = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  const smtp = await slowSmtp();
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: pgDb?.url ?? '',
    PORT: '0',
    LOG_LEVEL: 'warn',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: 'Studienteam <studie@example.org>',
  };
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  t.teardown(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await smtp.close();
    await pgDb?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCli(args, env, 180_000);
  t.equal((await cli('survey', 'add', path.join(root, 'surveys/definitions', `${SURVEY}.json`))).code, 0, 'befund survey add');
  const list = path.join(dataDir, 'partner.csv');
  fs.writeFileSync(list, `email,segment\n${Array.from({ length: N }, (_, i) => `r${String(i).padStart(2, '0')}@example.org,sme`).join('\n')}\n`);
  t.equal((await cli('participants', 'import', '--survey', SURVEY, list)).code, 0, 'befund participants import');
  const token = JSON.parse((await cli('token', 'create', '--role', 'researcher', '--json')).stdout).token as string;

  const first = await startServer(env);
  servers.push(first);
  const base = (s: typeof first) => /Befund läuft auf (http:\/\/\S+)/.exec(s.output())?.[1] as string;
  const api = (s: typeof first, init: RequestInit = {}) =>
    fetch(`${base(s)}/api/v1/surveys/${SURVEY}/mail-rounds`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  const scheduled = await api(first, { method: 'POST', body: JSON.stringify({ kind: 'invitation' }) });
  t.equal(scheduled.status, 201, 'the invitations are scheduled for now');
  const deadline = Date.now() + 180_000;
  while (!(smtp.total() >= 5 && smtp.unacknowledged() > 0)) {
    if (Date.now() > deadline || first.child.exitCode !== null) throw new Error(`the round did not start: ${first.output()}`);
    await sleep(5);
  }
  await first.stop('SIGKILL');
  const atKill = smtp.total();
  t.ok(atKill < N, `killed mid-round, after ${atKill} of ${N} mails`);

  const second = await startServer(env);
  servers.push(second);
  let rounds: { state: string; result: Record<string, number> | null }[] = [];
  while (rounds[0]?.state !== 'done') {
    if (Date.now() > deadline) throw new Error(`the round was never finished: ${JSON.stringify(rounds)}`);
    await sleep(500);
    rounds = (await (await api(second)).json()).rounds;
  }
  t.equal(rounds.length, 1);
  t.same([rounds[0].result?.sent, rounds[0].result?.uncertain], [N - atKill, 1], 'the new server sent the rest and marked the cut-off mail uncertain');
  t.same([...smtp.received].filter(([, n]) => n > 1), [], 'nobody received the invitation twice');
  t.equal(smtp.total(), N, 'every participant received it (the cut-off one before the kill)');
  const people = JSON.parse((await cli('participants', 'list', '--survey', SURVEY, '--json')).stdout) as { email: string; invitation: string }[];
  t.same(
    people.filter((p) => p.invitation !== 'sent').map((p) => [p.invitation, smtp.received.get(p.email)]),
    [['uncertain', 1]],
    'the one not marked sent is uncertain: its mail was out when the server died',
  );
  await second.stop();
});
