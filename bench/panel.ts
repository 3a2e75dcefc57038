// Partner panel at scale (issue 14), as a user runs it on PostgreSQL: `befund participants
// import` of a generated list of N participants (e-mail, name, organisation, segment, label,
// language), timed from spawn to exit with its peak RSS (/usr/bin/time), and the rows stored;
// then `befund invite --rate 1000` of the N invitations to a real SMTP server in this process
// (smtp-server, as the tests use it), which counts the mails per recipient: mails/s from spawn to
// exit, peak RSS, and every participant exactly one mail.
// Goals: 50,000 imported in ≤ 10 s with peak RSS ≤ 512 MB; 50,000 invitations at ≥ 200 mails/s.
// `npm run bench -- --only panel` (N = 50,000; --quick: 5,000).
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { timeCommand } from './lib/command.ts';
import { type BenchResult, goal, num, table } from './lib/report.ts';
import { createTarget } from './lib/target.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SLUG = 'om-partner-befragung';
const SEGMENTS = ['intermediary', 'sme', 'works_council'];
const LABELS = ['', 'Kammer Nord', 'Verband Süd', 'Standard'];

/** A list of `n` distinct participants as a partner organisation's export would look: `;`-separated, German headers. */
export function panelCsv(n: number): string {
  const lines = ['E-Mail;Name;Organisation;Segment;Label;Sprache'];
  for (let i = 1; i <= n; i++) {
    const org = `Partner ${(i % 997) + 1}`;
    lines.push(`kontakt${i}@partner${i % 997}.example.org;Person ${i};${org};${SEGMENTS[i % 3]};${LABELS[i % 4]};${i % 5 === 0 ? 'en' : 'de'}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** An SMTP server that only counts: mails per recipient and bytes, nothing kept. */
async function countingSmtp() {
  const perRecipient = new Map<string, number>();
  let bytes = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      stream.on('data', (d: Buffer) => (bytes += d.length));
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) perRecipient.set(r.address, (perRecipient.get(r.address) ?? 0) + 1);
        cb();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    perRecipient,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function runPanelBench({ quick = false, n = quick ? 5_000 : 50_000 }: { quick?: boolean; n?: number } = {}): Promise<BenchResult> {
  const target = await createTarget('postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'befund-bench-panel-'));
  const smtp = await countingSmtp();
  try {
    const env = { ...target.env, NODE_OPTIONS: '' };
    // The first command creates and migrates the database and adds the survey, before the list is imported.
    await timeCommand(env, ['survey', 'add', path.join(ROOT, 'surveys', 'definitions', `${SLUG}.json`), '--slug', SLUG]);
    const file = path.join(dir, 'teilnehmende.csv');
    fs.writeFileSync(file, panelCsv(n));
    const megabytes = fs.statSync(file).size / 1e6;
    process.stderr.write(`panel: befund participants import of ${num(n)} rows (${megabytes.toFixed(1)} MB) …\n`);
    const imp = await timeCommand(env, ['participants', 'import', '--survey', SLUG, file, '--json']);
    const added = (JSON.parse(imp.stdout) as { added: number }).added;
    const client = new pg.Client({ connectionString: target.env.DATABASE_URL });
    await client.connect();
    const count = async (where = 'true') => Number((await client.query(`select count(*)::int as n from participants where ${where}`)).rows[0].n);
    const stored = await count();
    process.stderr.write(`panel: befund invite of ${num(stored)} invitations to the local SMTP server …\n`);
    const inv = await timeCommand({ ...env, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'Studienteam <studie@example.org>' }, ['invite', '--survey', SLUG, '--rate', '1000', '--json']);
    const sent = (JSON.parse(inv.stdout) as { sent: number }).sent;
    const markedSent = await count(`invitation = 'sent'`);
    const emails = new Set((await client.query<{ email: string }>('select email from participants')).rows.map((r) => r.email));
    await client.end();
    const once = [...emails].filter((e) => smtp.perRecipient.get(e) === 1).length;
    const twice = [...smtp.perRecipient.values()].filter((c) => c > 1).length;
    const strangers = [...smtp.perRecipient.keys()].filter((e) => !emails.has(e)).length;
    const mailsPerSecond = smtp.perRecipient.size / (inv.wallMs / 1000);
    console.log(
      table(
        `Partner panel on PostgreSQL: ${num(n)} participants (${megabytes.toFixed(1)} MB CSV), CLI spawned, start-up included; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
        ['command', 'wall s', 'peak RSS MiB', 'result'],
        [
          ['befund participants import', (imp.wallMs / 1000).toFixed(1), imp.peakRssMiB, `${num(added)} added, ${num(stored)} rows stored`],
          ['befund invite --rate 1000', (inv.wallMs / 1000).toFixed(1), inv.peakRssMiB, `${num(sent)} sent (${num(mailsPerSecond)} mails/s); ${num(once)} exactly once, ${twice} twice, ${strangers} unknown; ${(smtp.bytes() / 1e6).toFixed(0)} MB received`],
        ],
      ),
    );
    const size = n === 50_000 ? '' : ` (here ${num(n)}; the goal is for 50,000)`;
    return {
      id: 'panel',
      title: 'Partner panel: import and invitations (befund participants import, befund invite)',
      goals: [
        goal(`befund participants import in ≤ 10 s on PostgreSQL${size} (issue 14)`, imp.wallMs / 1000, 10, 'at most', ' s', 1),
        goal(`befund participants import peak RSS ≤ 512 MiB${size} (issue 14)`, imp.peakRssMiB, 512, 'at most', ' MiB'),
        goal(`participants stored = ${num(n)}, the rows in the file`, stored, n, 'at least', ' rows'),
        goal(`befund invite ≥ 200 mails/s to the local SMTP server${size} (issue 14)`, mailsPerSecond, 200, 'at least', ' mails/s'),
        // doubles or mails to addresses not on the list count against it
        goal(`every participant exactly one invitation, marked sent (${num(n)})`, Math.min(once, markedSent) - twice - strangers, n, 'at least', ' participants'),
        goal(`befund invite peak RSS ≤ 512 MiB${size} (issue 14: bounded memory)`, inv.peakRssMiB, 512, 'at most', ' MiB'),
      ],
      figures: {
        n,
        csvMegabytes: megabytes,
        import: { wallMs: imp.wallMs, peakRssMiB: imp.peakRssMiB, added, stored },
        invite: { wallMs: inv.wallMs, peakRssMiB: inv.peakRssMiB, sent, markedSent, mailsPerSecond, exactlyOnce: once, twice, strangers, bytes: smtp.bytes() },
        loadAverage: os.loadavg(),
      },
    };
  } finally {
    await smtp.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await target.drop();
  }
}
