// kill -9 during an invitation batch (issue 14): `befund invite` runs as a real process against a
// real, slow SMTP server in this process (smtp-server), on the database the suite runs on (the
// embedded PGlite folder in DATA_DIR, or PostgreSQL when DATABASE_URL is set). The first run is
// killed while the server holds a mail it has taken in full but not yet acknowledged (the worst
// moment: the mail is out, the sender cannot know it); the second is killed while a recipient is
// being announced (the mail is not out yet); the third runs to the end. Then every participant has
// received the invitation exactly once, or is marked "uncertain" and received it at most once;
// nobody received it twice, and only the mails the kills cut off are uncertain.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freshPostgresDatabase } from '../helpers/app.ts';
import { root, runCli } from '../helpers/cli.ts';
import { slowSmtp } from '../helpers/smtp.ts';

const N = 40;
const SURVEY = 'om-check-umweltschutz';
const bin = path.join(root, 'bin/befund.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Three CLI starts (a few seconds of CPU each on PGlite) and ~40 slow mails; generous for shared cores.
t.setTimeout(600_000);

t.test(`befund invite killed with SIGKILL twice mid-batch, then run to the end: nobody gets the invitation twice (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-invite-kill-'));
  const pgDb = process.env.DATABASE_URL ? await freshPostgresDatabase(process.env.DATABASE_URL) : undefined;
  const smtp = await slowSmtp();
  const env = { DATA_DIR: dataDir, DATABASE_URL: pgDb?.url ?? '', LOG_LEVEL: 'warn', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Studienteam <studie@example.org>', PUBLIC_URL: 'https://befund.example.org' };
  const live = new Set<ChildProcess>();
  t.teardown(async () => {
    for (const c of live) c.kill('SIGKILL');
    await smtp.close();
    await pgDb?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCli(args, env, 180_000);

  t.equal((await cli('survey', 'add', path.join(root, 'surveys/definitions', `${SURVEY}.json`))).code, 0, 'befund survey add');
  const list = path.join(dataDir, 'partner.csv');
  const lines = Array.from({ length: N }, (_, i) => `p${String(i).padStart(2, '0')}@example.org,Person ${i},Partner ${i},${i % 2 ? 'sme' : 'works_council'},${i % 5 ? 'de' : 'en'}`);
  fs.writeFileSync(list, `email,name,organisation,segment,language\n${lines.join('\n')}\n`);
  const imported = await cli('participants', 'import', '--survey', SURVEY, list, '--json');
  t.equal(imported.code, 0, `befund participants import: ${imported.stderr}`);
  t.equal(JSON.parse(imported.stdout).added, N);

  /** `befund invite` as a child process, killed with SIGKILL once `when()` holds (or run to its end). */
  const invite = async (when?: () => boolean) => {
    const child = spawn(process.execPath, [bin, 'invite', '--survey', SURVEY, '--rate', '1000', '--json'], { cwd: root, env: { ...process.env, ...env } });
    live.add(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let killed = false;
    if (when) {
      while (child.exitCode === null && !when()) await sleep(5);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        killed = true;
      }
    }
    const code = await exited;
    live.delete(child);
    return { code, out, killed };
  };

  const first = await invite(() => smtp.total() >= 5 && smtp.unacknowledged() > 0);
  t.ok(first.killed, `the first run was killed while the server held an unacknowledged mail (${smtp.total()} received)`);
  const afterFirst = smtp.total();
  const second = await invite(() => smtp.total() >= afterFirst + 8 && smtp.atRcpt() > 0 && smtp.unacknowledged() === 0);
  t.ok(second.killed, `the second run was killed while a recipient was being announced (${smtp.total()} received)`);
  const third = await invite();
  t.equal(third.code, 0, `the third run ends: ${third.out}`);
  const result = JSON.parse(third.out.slice(third.out.indexOf('{')));
  t.equal(result.uncertain, 1, 'the third run marks the mail the second kill cut off as uncertain (the second run settled the first kill’s)');

  const listed = await cli('participants', 'list', '--survey', SURVEY, '--json');
  t.equal(listed.code, 0, listed.stderr);
  const people = JSON.parse(listed.stdout) as { email: string; invitation: string; lastMailError: string | null }[];
  t.equal(people.length, N);
  const twice = [...smtp.received].filter(([, n]) => n > 1).map(([to]) => to);
  t.same(twice, [], 'nobody received the invitation twice');
  const states = new Map<string, number>();
  for (const p of people) {
    const got = smtp.received.get(p.email) ?? 0;
    states.set(p.invitation, (states.get(p.invitation) ?? 0) + 1);
    if (p.invitation === 'sent') t.equal(got, 1, `${p.email}: sent and received once`);
    else {
      t.equal(p.invitation, 'uncertain', `${p.email}: not sent means uncertain`);
      t.match(p.lastMailError, /Zustellung ungewiss/, `${p.email}: the list says why`);
      t.ok(got <= 1, `${p.email}: uncertain, received ${got} time(s)`);
    }
  }
  const uncertain = people.filter((p) => p.invitation === 'uncertain');
  t.equal(uncertain.length, 2, `only the two cut-off mails are uncertain (${[...states].map(([s, n]) => `${s} ${n}`).join(', ')})`);
  t.same(
    uncertain.map((p) => smtp.received.get(p.email) ?? 0).sort(),
    [0, 1],
    'one of them reached the server before its kill (the mail out, unacknowledged), the other did not (killed while announcing the recipient)',
  );
  t.equal(smtp.total(), N - 1, 'every other participant received exactly one invitation');

  const again = await cli('invite', '--survey', SURVEY, '--json');
  t.equal(again.code, 0, again.stderr);
  t.equal(JSON.parse(again.stdout).sent, 0, 'a fourth run sends nothing');
  t.equal(smtp.total(), N - 1);
});
