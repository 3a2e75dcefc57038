// Workspace page of the partner panel: response rates per segment and label (with the
// small-group warning), completions per day as bars, and the list with each person's state and
// last mail error. Everything interpolated is escaped.
import type { ParticipantView } from '../../../server/repositories/participants.ts';
import type { Rates } from '../../../server/repositories/panel-rates.ts';
import { escapeHtml, href, page, type View } from './layout.ts';

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
    empty: 'Noch keine Teilnehmerliste: befund participants import --survey … liste.xlsx',
    optedOut: 'abgemeldet',
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
    empty: 'No participant list yet: befund participants import --survey … list.xlsx',
    optedOut: 'opted out',
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

export function panelPage(view: View, slug: string, anonymous: boolean, rates: Rates, people: ParticipantView[]): string {
  const w = W[view.lang];
  const warnings = rates.bySegment.filter((r) => r.warning).map((r) => `<li>${e(r.warning)}</li>`).join('');
  const max = Math.max(1, ...rates.byDay.map((d) => d.complete));
  const days = rates.byDay
    .map((d) => `<tr><th scope="row">${e(d.day)}</th><td>${e(d.segment)}</td><td><meter min="0" max="${max}" value="${d.complete}" aria-hidden="true"></meter> ${d.complete}</td></tr>`)
    .join('');
  const list = people
    .map((p) => `<tr><td>${e(p.email)}</td><td>${e(p.name)}</td><td>${e(p.organisation)}</td><td>${e(p.segment)}</td><td>${e(p.label)}</td><td>${e(p.language)}</td><td>${e(p.optedOut ? w.optedOut : p.progress)}</td><td>${e(p.invitation)}</td><td>${p.remindersSent}</td><td>${e(p.lastMailError)}</td></tr>`)
    .join('');
  const api = `/api/v1/surveys/${encodeURIComponent(slug)}/participants`;
  const body = `<h1>${e(w.title)}: ${e(slug)}</h1>
<p>${e(anonymous ? w.anonymous : w.named)}</p>
${people.length ? '' : `<p>${e(w.empty)}</p>`}
${warnings ? `<ul class="bf-notice bf-notice--error" role="alert">${warnings}</ul>` : ''}
<h2>${e(w.rates)}</h2>${rateTable(rates.bySegment, w, view.lang)}
<h2>${e(w.labels)}</h2>${rateTable(rates.byLabel, w, view.lang)}
<h2>${e(w.days)}</h2><table class="bf-table"><tbody>${days}</tbody></table>
<h2>${e(w.list)}</h2>
<p><a href="${e(`${api}?format=csv`)}">${e(w.export)}</a> · <a href="${e(`${api}/mail-merge.csv`)}">${e(w.merge)}</a></p>
<table class="bf-table"><thead><tr>${w.people.map((c) => `<th scope="col">${e(c)}</th>`).join('')}</tr></thead><tbody>${list}</tbody></table>
<p><a href="${e(href(`/admin/surveys/${slug}`, view.lang))}">←</a></p>`;
  return page(view, `${w.title}: ${slug}`, body);
}
