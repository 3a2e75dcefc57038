// SMTP_URL, MAIL_FROM, MAIL_TEMPLATES, PANEL_MAX_REMINDERS and PANEL_MAIL_RATE: read by `befund invite` and by the
// server's mail rounds alike, and the one way both open the SMTP connection.
import { z } from 'zod';
import type { Transport } from './send.ts';

export const MailEnv = z.object({
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'SMTP_URL muss mit smtp:// oder smtps:// beginnen, z. B. SMTP_URL=smtp://user:pass@mail.example.org:587')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z
    .string()
    .min(3, 'MAIL_FROM ist zu kurz, z. B. MAIL_FROM="Studienteam <studie@example.org>"')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_TEMPLATES: z
    .string()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PANEL_MAX_REMINDERS: z.coerce.number({ message: 'PANEL_MAX_REMINDERS muss eine Zahl sein, z. B. PANEL_MAX_REMINDERS=2' }).int().min(0).max(10, 'PANEL_MAX_REMINDERS muss zwischen 0 und 10 liegen').default(2),
  PANEL_MAIL_RATE: z.coerce
    .number({ message: 'PANEL_MAIL_RATE muss eine Zahl von E-Mails je Sekunde sein, z. B. PANEL_MAIL_RATE=10' })
    .gt(0, 'PANEL_MAIL_RATE: E-Mails je Sekunde zwischen 0 und 1000, z. B. PANEL_MAIL_RATE=10')
    .max(1000, 'PANEL_MAIL_RATE: E-Mails je Sekunde zwischen 0 und 1000, z. B. PANEL_MAIL_RATE=10')
    .default(10),
});

export interface MailSettings {
  /** Unset: no mail is sent; the workspace and `--dry-run` offer the mail-merge CSV instead. */
  smtpUrl?: string;
  from?: string;
  /** A JSON file of the mail templates (server/mail/templates.ts); unset: the built-in ones. */
  templatesFile?: string;
  maxReminders: number;
  /** Mails per second, in the CLI (its default for --rate) and in the server. */
  ratePerSecond: number;
}

export function mailSettings(e: z.infer<typeof MailEnv>): MailSettings {
  return { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, templatesFile: e.MAIL_TEMPLATES, maxReminders: e.PANEL_MAX_REMINDERS, ratePerSecond: e.PANEL_MAIL_RATE };
}

/**
 * A nodemailer transport for SMTP_URL (loaded on first use), with bounded waits on a slow server.
 * Pooled: one connection carries many mails (a new one after 100), where a connection per mail
 * held `befund invite` to about 9 mails/s against a local server (bench/panel.ts).
 */
export async function smtpTransport(url: string): Promise<Transport & { close(): void }> {
  const { default: nodemailer } = await import('nodemailer');
  // Transport options beside `url` (the URL's own settings win); as a second argument they would be message defaults.
  const smtp = nodemailer.createTransport({ url, pool: true, maxConnections: 1, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as object);
  return { sendMail: (m) => smtp.sendMail(m), close: () => smtp.close() };
}
