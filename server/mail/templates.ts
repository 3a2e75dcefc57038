// Invitation and reminder mails (partner panel): de/en templates with the placeholders {name},
// {link}, {closes} and {optout}, checked by lintTemplates before anything is sent (by
// `befund invite` before its run, by the server at its start for MAIL_TEMPLATES).
import fs from 'node:fs';
import { z } from 'zod';

export type MailKind = 'invitation' | 'reminder';
export type Lang = 'de' | 'en';

export const PLACEHOLDERS = ['name', 'link', 'closes', 'optout'] as const;
/** Every mail must carry these: the personal link and the way out. */
const REQUIRED = ['link', 'optout'] as const;

const Template = z.object({ subject: z.string().min(1).max(200), text: z.string().min(1).max(20_000) });
export const TemplateSet = z.object({
  invitation: z.object({ de: Template, en: Template }),
  reminder: z.object({ de: Template, en: Template }),
});
export type TemplateSet = z.infer<typeof TemplateSet>;

export const DEFAULT_TEMPLATES: TemplateSet = {
  invitation: {
    de: {
      subject: 'Einladung: Befragung der OM-Partner',
      text: 'Guten Tag {name},\n\nwir laden Sie herzlich zu unserer Befragung ein. Ihr persönlicher Link:\n{link}\n\nDie Befragung läuft {closes}. Ihre Antworten werden anonym ausgewertet: wir sehen, dass Sie teilgenommen haben, aber nicht, was Sie geantwortet haben.\n\nWenn Sie keine weiteren E-Mails zu dieser Befragung erhalten möchten: {optout}\n\nMit freundlichen Grüßen\nIhr Studienteam',
    },
    en: {
      subject: 'Invitation: survey of the OM partners',
      text: 'Dear {name},\n\nwe warmly invite you to take part in our survey. Your personal link:\n{link}\n\nThe survey runs {closes}. Your answers are analysed anonymously: we see that you took part, but not what you answered.\n\nIf you do not want any more e-mails about this survey: {optout}\n\nKind regards\nThe study team',
    },
  },
  reminder: {
    de: {
      subject: 'Erinnerung: Befragung der OM-Partner',
      text: 'Guten Tag {name},\n\nvielleicht hatten Sie noch keine Gelegenheit, an unserer Befragung teilzunehmen. Ihr persönlicher Link:\n{link}\n\nDie Befragung läuft {closes}.\n\nWenn Sie keine weiteren E-Mails zu dieser Befragung erhalten möchten: {optout}\n\nMit freundlichen Grüßen\nIhr Studienteam',
    },
    en: {
      subject: 'Reminder: survey of the OM partners',
      text: 'Dear {name},\n\nperhaps you have not yet had a chance to take part in our survey. Your personal link:\n{link}\n\nThe survey runs {closes}.\n\nIf you do not want any more e-mails about this survey: {optout}\n\nKind regards\nThe study team',
    },
  },
};

/** Problems of a template set, as German sentences with the English second; empty when it may be sent. */
export function lintTemplates(set: TemplateSet): string[] {
  const problems: string[] = [];
  for (const kind of ['invitation', 'reminder'] as const)
    for (const lang of ['de', 'en'] as const) {
      const t = set[kind][lang];
      const where = `${kind === 'invitation' ? 'Einladung' : 'Erinnerung'} (${lang})`;
      for (const [part, text] of [
        ['Betreff', t.subject],
        ['Text', t.text],
      ] as const)
        for (const m of text.matchAll(/\{([^{}]*)\}|[{}]/g)) {
          if (m[1] === undefined) {
            // a brace that opens or closes no placeholder: "{link" or "link}" would reach the reader as it is
            problems.push(`${where}, ${part}: Eine geschweifte Klammer „${m[0]}“ gehört zu keinem Platzhalter; schreiben Sie z. B. {link}. / A stray brace "${m[0]}".`);
          } else if (!(PLACEHOLDERS as readonly string[]).includes(m[1])) {
            const near = PLACEHOLDERS.find((p) => p === m[1].trim().toLowerCase());
            problems.push(
              near
                ? `${where}, ${part}: {${m[1]}} ist falsch geschrieben, gemeint ist wohl {${near}} (klein, ohne Leerzeichen). / Misspelt placeholder {${m[1]}}: write {${near}}.`
                : `${where}, ${part}: Den Platzhalter {${m[1]}} gibt es nicht; erlaubt sind ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}. / Unknown placeholder {${m[1]}}.`,
            );
          }
        }
      for (const p of REQUIRED)
        if (!t.text.includes(`{${p}}`)) problems.push(`${where}: Der Text braucht den Platzhalter {${p}}. / The text needs the placeholder {${p}}.`);
      if (/\{(link|optout)\}/.test(t.subject)) problems.push(`${where}: Der Link gehört nicht in den Betreff. / The link does not belong in the subject.`);
    }
  return problems;
}

/**
 * Reads and checks a templates file (JSON: invitation and reminder, each de and en, each subject
 * and text): the templates, or the problems as sentences naming the file.
 */
export function readTemplates(file: string): { templates: TemplateSet; problems: [] } | { templates?: undefined; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { problems: [`${file} ist keine lesbare JSON-Datei mit den Vorlagen invitation/reminder je de/en. / ${file} is not a readable JSON file of templates.`] };
  }
  const parsed = TemplateSet.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`) };
  const problems = lintTemplates(parsed.data).map((p) => `${file}: ${p}`);
  return problems.length ? { problems } : { templates: parsed.data, problems: [] };
}

export interface MailValues {
  name: string | null;
  link: string;
  optout: string;
  /** The closing date, or null for "until further notice". */
  closes: Date | null;
}

function closesText(closes: Date | null, lang: Lang): string {
  if (!closes) return lang === 'de' ? 'bis auf Weiteres' : 'until further notice';
  const day = closes.toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Berlin' });
  return lang === 'de' ? `bis zum ${day}` : `until ${day}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Subject, text and HTML of one mail; values are escaped in the HTML part. */
export function renderMail(set: TemplateSet, kind: MailKind, lang: Lang, v: MailValues): { subject: string; text: string; html: string } {
  const t = set[kind][lang];
  const values: Record<string, string> = { name: v.name ?? (lang === 'de' ? 'Damen und Herren' : 'Sir or Madam'), link: v.link, optout: v.optout, closes: closesText(v.closes, lang) };
  const fill = (s: string, html: boolean) =>
    s.replace(/\{(name|link|closes|optout)\}/g, (_, k: string) => {
      if (!html) return values[k];
      const e = escapeHtml(values[k]);
      return k === 'link' || k === 'optout' ? `<a href="${e}">${e}</a>` : e;
    });
  const htmlBody = t.text
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map((l) => fill(escapeHtml(l), true)).join('<br>')}</p>`)
    .join('\n');
  return { subject: fill(t.subject, false), text: fill(t.text, false), html: `<!doctype html><html lang="${lang}"><body>${htmlBody}</body></html>` };
}
