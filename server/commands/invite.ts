// `befund invite --survey S [--reminder] [--dry-run]`: sends the partner panel's personal
// invitations (or one reminder round) over SMTP_URL from MAIL_FROM, at most once each; without
// SMTP, --dry-run writes a CSV for a mail merge instead.
import fs from 'node:fs';
import { UserError } from '../errors.ts';
import { BOM, csvLine, safeText } from '../export/csv.ts';
import { MailEnv, smtpTransport } from '../mail/env.ts';
import { dueParticipants, nextRound, personalUrls, sendDue } from '../mail/send.ts';
import { DEFAULT_TEMPLATES, lintTemplates, readTemplates } from '../mail/templates.ts';
import { tokenKey } from '../repositories/participants.ts';
import { findSurvey } from '../repositories/surveys.ts';
import { commandIo, output, parse, required, withApp } from './common.ts';
import { progress } from './progress.ts';

const USAGE = 'befund invite --survey S [--reminder [--round N]] [--dry-run [--out DATEI.csv]] [--closes ISO] [--rate N] [--templates DATEI.json]';

/** The mail-merge CSV: who would get this mail, with the personal link and opt-out address. */
export function mergeCsv(rows: { email: string; name: string | null; organisation: string | null; segment: string; label: string | null; language: string; link: string; optout: string }[]): string {
  const cols = ['email', 'name', 'organisation', 'segment', 'label', 'language', 'link', 'optout'] as const;
  return BOM + csvLine([...cols], ';') + rows.map((r) => csvLine(cols.map((c) => safeText(r[c] ?? '')), ';')).join('');
}

export default async function invite(argv: string[]): Promise<void> {
  const { values } = parse(
    argv,
    { survey: { type: 'string' }, reminder: { type: 'boolean' }, round: { type: 'string' }, 'dry-run': { type: 'boolean' }, out: { type: 'string' }, closes: { type: 'string' }, rate: { type: 'string' }, templates: { type: 'string' } },
    USAGE,
  );
  const slug = required(values.survey as string | undefined, '--survey', USAGE);
  const json = values.json as boolean | undefined;
  const env = MailEnv.safeParse(commandIo().env);
  if (!env.success) throw new UserError(env.error.issues.map((i) => i.message).join('; '));
  const { SMTP_URL, MAIL_FROM, PANEL_MAX_REMINDERS, PANEL_MAIL_RATE, MAIL_TEMPLATES } = env.data;
  const dryRun = values['dry-run'] === true;
  if (!dryRun && !SMTP_URL)
    throw new UserError('SMTP_URL ist nicht gesetzt: setzen Sie SMTP_URL und MAIL_FROM, oder schreiben Sie mit --dry-run --out liste.csv eine CSV für den Serienbrief. / SMTP_URL is not set: set it, or use --dry-run for a mail-merge CSV.');
  if (!dryRun && !MAIL_FROM) throw new UserError('MAIL_FROM ist nicht gesetzt, z. B. MAIL_FROM="Studienteam <studie@example.org>".');
  const closes = values.closes ? new Date(values.closes as string) : null;
  if (closes && Number.isNaN(closes.getTime())) throw new UserError('--closes ist kein Datum, z. B. --closes 2027-01-31');
  const rate = values.rate === undefined ? PANEL_MAIL_RATE : Number(values.rate);
  if (!(rate > 0 && rate <= 1000)) throw new UserError('--rate: E-Mails je Sekunde zwischen 0 und 1000, z. B. --rate 10');
  // --templates, or the server's MAIL_TEMPLATES, or the built-in ones: checked before anything is sent
  const file = (values.templates as string | undefined) ?? MAIL_TEMPLATES;
  const read = file ? readTemplates(file) : { templates: DEFAULT_TEMPLATES, problems: lintTemplates(DEFAULT_TEMPLATES) };
  if (!read.templates || read.problems.length) throw new UserError(`Die Vorlagen sind fehlerhaft, nichts gesendet:\n  ${read.problems.join('\n  ')}`);
  const templates = read.templates;
  const kind = values.reminder ? 'reminder' : 'invitation';

  await withApp(async (app) => {
    const survey = await findSurvey(app.db, slug);
    if (!survey) throw new UserError(`Die Umfrage "${slug}" gibt es nicht (befund survey list zeigt alle)`);
    const round = kind === 'reminder' ? (values.round ? Number(values.round) : await nextRound(app.db, survey.id)) : undefined;
    if (round !== undefined && !(Number.isInteger(round) && round >= 1 && round <= PANEL_MAX_REMINDERS))
      throw new UserError(`Erinnerung ${round}: erlaubt sind höchstens ${PANEL_MAX_REMINDERS} Erinnerungen (PANEL_MAX_REMINDERS); es wird keine weitere gesendet.`);
    const base = { surveyId: survey.id, kind, round } as const;
    const due = await dueParticipants(app.db, base);
    if (dryRun) {
      const key = await tokenKey(app.db);
      const csv = mergeCsv(due.map((p) => ({ ...p, ...personalUrls(app.config.publicUrl, key, p.id) })));
      if (values.out) fs.writeFileSync(values.out as string, csv);
      else if (!json) commandIo().stdout.write(csv);
      if (values.out || json) output(json, { due: due.length, kind, round: round ?? null, out: values.out ?? null }, `${due.length} Empfänger in ${values.out} (Serienbrief; nichts gesendet).`);
      return;
    }
    const transport = await smtpTransport(SMTP_URL as string);
    let stopping = false;
    const stop = () => {
      stopping = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const bar = progress(due.length, json === true);
    let result: Awaited<ReturnType<typeof sendDue>>;
    try {
      result = await sendDue(app.db, { ...base, transport, from: MAIL_FROM as string, publicUrl: app.config.publicUrl, templates, closes, ratePerSecond: rate, onMail: (o) => o !== 'deferred' && bar.tick(), stop: () => stopping });
    } finally {
      // a command run inside another process (runCommand) must not leave its handlers behind
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      transport.close();
    }
    bar.done();
    const what = kind === 'invitation' ? 'Einladungen' : `Erinnerungen (Runde ${round})`;
    output(json, { kind, round: round ?? null, ...result }, `${result.sent} ${what} gesendet, ${result.failed} dauerhaft fehlgeschlagen, ${result.uncertain} ungewiss (nicht wiederholt), ${result.retries} vorübergehende Fehler wiederholt.`);
  });
}

