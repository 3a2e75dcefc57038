// Workspace page of the partner panel: response rates per segment and label (with the
// small-group warning), completions per day as bars, the mail rounds (send or schedule
// invitations and reminders, or the mail-merge CSV without SMTP), the import form, and the list
// with each person's state and last mail error, to add, edit and remove. Everything
// interpolated is escaped.
import type { ParticipantView } from '../../../server/repositories/participants.ts';
import type { Rates } from '../../../server/repositories/panel-rates.ts';
import { escapeHtml, href, type Notice, notice, page, postForm, type View } from './layout.ts';

/** A mail round as the page shows it. */
export interface RoundView {
  id: number;
  kind: 'invitation' | 'reminder';
  round: number | null;
  dueAt: Date;
  state: 'scheduled' | 'running' | 'done' | 'cancelled';
  result: unknown;
}

export interface PanelData {
  slug: string;
  anonymous: boolean;
  rates: Rates;
  people: ParticipantView[];
  rounds: RoundView[];
  /** SMTP_URL and MAIL_FROM are set: the server sends; otherwise the mail-merge CSV. */
  smtp: boolean;
  segments: string[];
  /** The person whose edit form is open. */
  edit?: ParticipantView;
  notice?: Notice;
  /** The import form's pasted text, kept when the import was refused. */
  csv?: string;
}

const W = {
  de: {
    title: 'Partnerpanel',
    rates: 'Rücklauf je Segment',
    labels: 'Rücklauf je Segment und Label',
    days: 'Vollständige Antworten je Tag',
    list: 'Teilnehmende',
    cols: ['Segment', 'Label', 'Liste', 'eingeladen', 'unzustellbar', 'Link geöffnet', 'begonnen', 'vollständig', 'abgemeldet', 'Rücklauf'],
    people: ['E-Mail', 'Name', 'Organisation', 'Segment', 'Label', 'Sprache', 'Stand', 'Einladung', 'Erinnerungen', 'Letzter Mail-Fehler'],
    export: 'Liste als CSV',
    merge: 'CSV für Serienbrief (Einladung)',
    anonymous: 'Anonymer Modus: Sie sehen, wer geantwortet hat, aber nicht, was. Keine Antwort trägt eine Teilnehmer-Kennung.',
    named: 'Nicht-anonymer Modus (Folgestudie): Antworten tragen genaue Zeiten.',
    empty: 'Noch keine Teilnehmerliste: importieren Sie eine CSV- oder XLSX-Datei oder fügen Sie Personen einzeln hinzu.',
    optedOut: 'abgemeldet',
    mail: 'E-Mails',
    noSmtp: 'Der Server hat kein SMTP_URL und MAIL_FROM: er sendet keine E-Mails. Laden Sie stattdessen die CSV für einen Serienbrief herunter.',
    mergeReminder: 'CSV für Serienbrief (Erinnerung)',
    kind: 'Art',
    kinds: { invitation: 'Einladungen', reminder: 'Erinnerung' },
    at: 'Zeitpunkt (Serverzeit; leer: sofort)',
    closes: 'Läuft bis (für {closes} in der E-Mail; leer: bis auf Weiteres)',
    schedule: 'Senden bzw. planen',
    mailHint: 'Der Server sendet mit Ratenbegrenzung, jede Person erhält jede E-Mail höchstens einmal; Erinnerungen nur an Eingeladene, die nicht vollständig geantwortet und sich nicht abgemeldet haben.',
    roundCols: ['Art', 'Runde', 'Zeitpunkt', 'Stand', 'Ergebnis', ''],
    states: { scheduled: 'geplant', running: 'läuft', done: 'gesendet', cancelled: 'abgesagt' },
    result: (r: Record<string, unknown>) => (typeof r.error === 'string' ? r.error : `${r.sent ?? 0} gesendet, ${r.failed ?? 0} fehlgeschlagen, ${r.uncertain ?? 0} ungewiss`),
    cancel: 'Absagen',
    cancelConfirm: 'Diese geplante Runde absagen?',
    importTitle: 'Liste importieren',
    importHint: 'Spalten nach Überschrift: E-Mail, Name, Organisation, Segment, Label, Sprache (de oder en). CSV in UTF-8 oder Windows-1252, oder XLSX.',
    file: 'Datei (CSV oder XLSX)',
    paste: 'oder CSV hier einfügen',
    validRows: 'nur gültige Zeilen importieren',
    importButton: 'Importieren',
    imported: (added: number, existing: number, refused: number) => `${added} Teilnehmende importiert, ${existing} standen schon auf der Liste, ${refused} Zeile(n) übersprungen.`,
    addTitle: 'Person hinzufügen',
    editTitle: 'Person bearbeiten',
    fields: { email: 'E-Mail', name: 'Name', organisation: 'Organisation', segment: 'Segment', label: 'Label', language: 'Sprache' },
    add: 'Hinzufügen',
    save: 'Speichern',
    edit: 'Bearbeiten',
    remove: 'Entfernen',
    removeConfirm: 'Diese Person mit ihrer Teilnahme-Angabe löschen? Ihre Antwort bleibt (sie nennt niemanden).',
    actions: 'Aktionen',
  },
  en: {
    title: 'Partner panel',
    rates: 'Response rate per segment',
    labels: 'Response rate per segment and label',
    days: 'Complete answers per day',
    list: 'Participants',
    cols: ['Segment', 'Label', 'List', 'invited', 'bounced', 'opened', 'started', 'complete', 'opted out', 'Rate'],
    people: ['E-mail', 'Name', 'Organisation', 'Segment', 'Label', 'Language', 'State', 'Invitation', 'Reminders', 'Last mail error'],
    export: 'List as CSV',
    merge: 'Mail-merge CSV (invitation)',
    anonymous: 'Anonymous mode: you see who has answered, not what. No answer carries a participant id.',
    named: 'Non-anonymous mode (follow-up study): answers carry exact times.',
    empty: 'No participant list yet: import a CSV or XLSX file or add people one by one.',
    optedOut: 'opted out',
    mail: 'E-mails',
    noSmtp: 'The server has no SMTP_URL and MAIL_FROM: it sends no e-mail. Download the mail-merge CSV instead.',
    mergeReminder: 'Mail-merge CSV (reminder)',
    kind: 'Kind',
    kinds: { invitation: 'Invitations', reminder: 'Reminder' },
    at: 'Time (server time; empty: now)',
    closes: 'Runs until (for {closes} in the mail; empty: until further notice)',
    schedule: 'Send or schedule',
    mailHint: 'The server sends with a rate limit, and each person gets each mail at most once; reminders go only to the invited who have not completed and not opted out.',
    roundCols: ['Kind', 'Round', 'Time', 'State', 'Result', ''],
    states: { scheduled: 'scheduled', running: 'running', done: 'sent', cancelled: 'cancelled' },
    result: (r: Record<string, unknown>) => (typeof r.error === 'string' ? r.error : `${r.sent ?? 0} sent, ${r.failed ?? 0} failed, ${r.uncertain ?? 0} uncertain`),
    cancel: 'Cancel',
    cancelConfirm: 'Cancel this scheduled round?',
    importTitle: 'Import a list',
    importHint: 'Columns by header: e-mail, name, organisation, segment, label, language (de or en). CSV in UTF-8 or Windows-1252, or XLSX.',
    file: 'File (CSV or XLSX)',
    paste: 'or paste CSV here',
    validRows: 'import the valid rows only',
    importButton: 'Import',
    imported: (added: number, existing: number, refused: number) => `${added} participants imported, ${existing} were already on the list, ${refused} line(s) skipped.`,
    addTitle: 'Add a person',
    editTitle: 'Edit a person',
    fields: { email: 'E-mail', name: 'Name', organisation: 'Organisation', segment: 'Segment', label: 'Label', language: 'Language' },
    add: 'Add',
    save: 'Save',
    edit: 'Edit',
    remove: 'Remove',
    removeConfirm: 'Delete this person with their participation record? Their answer stays (it names no one).',
    actions: 'Actions',
  },
} as const;

const e = (v: unknown) => escapeHtml(v === null || v === undefined ? '' : String(v));
const pct = (r: number, lang: 'de' | 'en') => `${(r * 100).toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 })} %`;

function rateTable(rows: Rates['byLabel'], w: (typeof W)['de' | 'en'], lang: 'de' | 'en'): string {
  const head = `<tr>${w.cols.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr><th scope="row">${e(r.segment)}</th><td>${e(r.label ?? '–')}</td>${[r.participants, r.invited, r.bounced, r.opened, r.partial, r.complete, r.optedOut].map((n) => `<td>${n}</td>`).join('')}<td>${pct(r.rate, lang)}</td></tr>`)
    .join('');
  return `<table class="bf-table"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

type Words = (typeof W)['de' | 'en'];

/** A round's time in the server's time zone, the one the form's time is read in. */
const serverTime = (d: Date, lang: 'de' | 'en') => d.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
type Line = { line: number; message: string; en: string };

/** What an import did, or why nothing was imported, with the refused lines. */
export function importNotice(lang: 'de' | 'en', r: { ok: true; added: number; existing: number; refused: Line[] } | { ok: false; message: string; errors: Line[] }): Notice {
  const lines = (r.ok ? r.refused : r.errors).map((l) => `<li>${e(lang === 'en' ? l.en : l.message)}</li>`).join('');
  const list = lines ? `<ul>${lines}</ul>` : '';
  if (r.ok) return { kind: 'ok', html: `<p>${e(W[lang].imported(r.added, r.existing, r.refused.length))}</p>${list}` };
  return { kind: 'error', html: `<p>${e(r.message)}</p>${list}` };
}

function roundsSection(view: View, d: PanelData, w: Words, base: string): string {
  const api = `/api/v1/surveys/${encodeURIComponent(d.slug)}/participants/mail-merge.csv`;
  const merge = `<p><a href="${e(api)}">${e(w.merge)}</a> · <a href="${e(`${api}?kind=reminder`)}">${e(w.mergeReminder)}</a></p>`;
  if (!d.smtp) return `<h2 id="bf-mail">${e(w.mail)}</h2><p>${e(w.noSmtp)}</p>${merge}`;
  const rows = d.rounds
    .map((r) => {
      const result = r.result && typeof r.result === 'object' ? w.result(r.result as Record<string, unknown>) : '';
      const cancel = r.state === 'scheduled' ? postForm(view, `${base}/rounds/${r.id}/cancel`, `<button type="submit" class="bf-button bf-button--quiet">${e(w.cancel)}</button>`, { confirm: w.cancelConfirm }) : '';
      return `<tr data-round="${r.id}"><td>${e(w.kinds[r.kind])}</td><td>${e(r.round ?? '')}</td><td>${e(serverTime(r.dueAt, view.lang))}</td><td>${e(w.states[r.state])}</td><td>${e(result)}</td><td>${cancel}</td></tr>`;
    })
    .join('');
  const form = postForm(
    view,
    `${base}/rounds`,
    `<label for="bf-round-kind">${e(w.kind)}</label><select id="bf-round-kind" name="kind"><option value="invitation">${e(w.kinds.invitation)}</option><option value="reminder">${e(w.kinds.reminder)}</option></select>
<label for="bf-round-at">${e(w.at)}</label><input id="bf-round-at" name="at" type="datetime-local">
<label for="bf-round-closes">${e(w.closes)}</label><input id="bf-round-closes" name="closes" type="date">
<button type="submit" class="bf-button">${e(w.schedule)}</button>`,
    { className: 'bf-form' },
  );
  const table = rows ? `<table class="bf-table"><thead><tr>${w.roundCols.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>` : '';
  return `<h2 id="bf-mail">${e(w.mail)}</h2><p>${e(w.mailHint)}</p>${form}${table}${merge}`;
}

function importForm(view: View, d: PanelData, w: Words, base: string): string {
  return `<h2 id="bf-import">${e(w.importTitle)}</h2><p>${e(w.importHint)}</p>${postForm(
    view,
    `${base}/import`,
    `<label for="bf-list-file">${e(w.file)}</label><input id="bf-list-file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" data-base64="bf-list-data" data-name="bf-list-name">
<input type="hidden" id="bf-list-data" name="file"><input type="hidden" id="bf-list-name" name="fileName">
<label for="bf-list-csv">${e(w.paste)}</label><textarea id="bf-list-csv" name="csv" rows="5" spellcheck="false">${e(d.csv ?? '')}</textarea>
<label for="bf-list-valid">${e(w.validRows)}</label><input id="bf-list-valid" name="validRows" type="checkbox" value="1">
<button type="submit" class="bf-button">${e(w.importButton)}</button>`,
    { className: 'bf-form' },
  )}`;
}

function personForm(view: View, d: PanelData, w: Words, action: string, p: ParticipantView | undefined, button: string, id: string): string {
  const f = w.fields;
  const input = (name: 'email' | 'name' | 'organisation' | 'label', type = 'text', required = false) =>
    `<label for="${id}-${name}">${e(f[name])}</label><input id="${id}-${name}" name="${name}" type="${type}"${required ? ' required' : ''} value="${e(p?.[name])}">`;
  const segments = [...new Set([...d.segments, ...(p ? [p.segment] : [])])];
  const option = (v: string, current: string | undefined) => `<option value="${e(v)}"${v === current ? ' selected' : ''}>${e(v)}</option>`;
  return postForm(
    view,
    action,
    `${input('email', 'email', true)}${input('name')}${input('organisation')}
<label for="${id}-segment">${e(f.segment)}</label><select id="${id}-segment" name="segment">${segments.map((s) => option(s, p?.segment)).join('')}</select>
${input('label')}
<label for="${id}-language">${e(f.language)}</label><select id="${id}-language" name="language">${option('de', p?.language)}${option('en', p?.language)}</select>
<button type="submit" class="bf-button">${e(button)}</button>`,
    { className: 'bf-form' },
  );
}

export function panelPage(view: View, d: PanelData): string {
  const { slug, anonymous, rates, people } = d;
  const base = `/admin/surveys/${slug}/panel`;
  const w = W[view.lang];
  const warnings = rates.bySegment.filter((r) => r.warning).map((r) => `<li>${e(r.warning)}</li>`).join('');
  const max = Math.max(1, ...rates.byDay.map((d) => d.complete));
  const days = rates.byDay
    .map((d) => `<tr><th scope="row">${e(d.day)}</th><td>${e(d.segment)}</td><td><meter min="0" max="${max}" value="${d.complete}" aria-hidden="true"></meter> ${d.complete}</td></tr>`)
    .join('');
  const list = people
    .map(
      (p) =>
        `<tr data-email="${e(p.email)}"><td>${e(p.email)}</td><td>${e(p.name)}</td><td>${e(p.organisation)}</td><td>${e(p.segment)}</td><td>${e(p.label)}</td><td>${e(p.language)}</td><td>${e(p.optedOut ? w.optedOut : p.progress)}</td><td>${e(p.invitation)}</td><td>${p.remindersSent}</td><td>${e(p.lastMailError)}</td><td><a href="${e(href(base, view.lang, { edit: p.id }))}#bf-edit">${e(w.edit)}</a>${postForm(view, `${base}/participants/${p.id}/remove`, `<button type="submit" class="bf-button bf-button--quiet">${e(w.remove)}</button>`, { confirm: w.removeConfirm })}</td></tr>`,
    )
    .join('');
  const api = `/api/v1/surveys/${encodeURIComponent(slug)}/participants`;
  const body = `${notice(d.notice)}
<p>${e(anonymous ? w.anonymous : w.named)}</p>
${people.length ? '' : `<p>${e(w.empty)}</p>`}
${warnings ? `<ul class="bf-notice bf-notice--error" role="alert">${warnings}</ul>` : ''}
<h2>${e(w.rates)}</h2>${rateTable(rates.bySegment, w, view.lang)}
<h2>${e(w.labels)}</h2>${rateTable(rates.byLabel, w, view.lang)}
<h2>${e(w.days)}</h2><table class="bf-table"><tbody>${days}</tbody></table>
${roundsSection(view, d, w, base)}
<h2>${e(w.list)}</h2>
<p><a href="${e(`${api}?format=csv`)}">${e(w.export)}</a></p>
<table class="bf-table bf-panel-list"><thead><tr>${[...w.people, w.actions].map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr></thead><tbody>${list}</tbody></table>
${d.edit ? `<h2 id="bf-edit">${e(w.editTitle)}: ${e(d.edit.email)}</h2>${personForm(view, d, w, `${base}/participants/${d.edit.id}`, d.edit, w.save, 'bf-edit')}` : ''}
<h2 id="bf-add">${e(w.addTitle)}</h2>${personForm(view, d, w, `${base}/participants`, undefined, w.add, 'bf-add')}
${importForm(view, d, w, base)}
<p><a href="${e(href(`/admin/surveys/${slug}`, view.lang))}">←</a></p>`;
  return page(view, `${w.title}: ${slug}`, body);
}
