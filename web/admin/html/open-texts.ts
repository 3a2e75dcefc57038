// The workspace page that approves open texts for shared reports: every open text of the survey
// (arrival order, a page at a time), its question, audience and link label, whether it is
// approved, and one button per text to approve it or withdraw the approval.
import { escapeHtml, href, notice, type Notice, page, postForm, type View } from './layout.ts';

export type OpenTextsShow = 'all' | 'approved' | 'pending';

export interface OpenTextsPageData {
  slug: string;
  title: string;
  texts: { id: number; question: string; questionTitle: string; segment: string; linkLabel: string | null; text: string; approved: boolean }[];
  approved: number;
  total: number;
  show: OpenTextsShow;
  /** This page starts after this text id (0: the first page); `next`: where the next page starts. */
  after: number;
  next: number | null;
  done?: 'approved' | 'withdrawn';
}

const T = {
  de: {
    title: 'Offene Antworten freigeben',
    intro:
      'Geteilte Berichte (Freigabelinks) zeigen nur offene Antworten, die hier freigegeben sind – und auch diese nur, wo der Schutz kleiner Gruppen es erlaubt. Ohne Freigabe zeigen sie keine. Forschende sehen im Arbeitsbereich und in den Berichten immer alle. Jede Freigabe und jede Rücknahme wird im Protokoll vermerkt.',
    release: 'Eine Freigabe wirkt sofort. Eine Antwort, die nach dem veröffentlichten Stand eingegangen ist, erscheint erst mit dem nächsten Stand.',
    count: (a: number, n: number) => `${a} von ${n} offenen Antworten sind freigegeben.`,
    show: 'Zeigen',
    all: 'alle',
    approvedOnly: 'freigegebene',
    pending: 'nicht freigegebene',
    question: 'Frage',
    segment: 'Zielgruppe',
    label: 'Link',
    text: 'Antwort',
    state: 'Freigabe',
    yes: 'freigegeben',
    no: 'nicht freigegeben',
    approve: 'Freigeben',
    withdraw: 'Freigabe zurückziehen',
    none: 'Keine offenen Antworten in dieser Auswahl.',
    more: 'Weitere Antworten',
    first: 'Zum Anfang',
    doneApproved: 'Die Antwort ist freigegeben.',
    doneWithdrawn: 'Die Freigabe ist zurückgezogen.',
    back: 'Zurück zur Umfrage',
  },
  en: {
    title: 'Approve open answers',
    intro:
      'Shared reports (share links) show only the open answers approved here, and those only where small-group protection allows. Without approvals they show none. Researchers always see all of them, in the workspace and in the reports. Every approval and withdrawal is recorded in the audit log.',
    release: 'An approval takes effect at once. An answer that arrived after the published release appears with the next release.',
    count: (a: number, n: number) => `${a} of ${n} open answers are approved.`,
    show: 'Show',
    all: 'all',
    approvedOnly: 'approved',
    pending: 'not approved',
    question: 'Question',
    segment: 'Audience',
    label: 'Link',
    text: 'Answer',
    state: 'Approval',
    yes: 'approved',
    no: 'not approved',
    approve: 'Approve',
    withdraw: 'Withdraw approval',
    none: 'No open answers in this selection.',
    more: 'More answers',
    first: 'Back to the start',
    doneApproved: 'The answer is approved.',
    doneWithdrawn: 'The approval is withdrawn.',
    back: 'Back to the survey',
  },
};

export function openTextsPage(view: View, d: OpenTextsPageData): string {
  const t = T[view.lang];
  const base = `/admin/surveys/${d.slug}/texts`;
  const keep = (extra: Record<string, string>) => ({ ...(d.show === 'all' ? {} : { show: d.show }), ...extra });
  const shows: [OpenTextsShow, string][] = [
    ['all', t.all],
    ['pending', t.pending],
    ['approved', t.approvedOnly],
  ];
  const filter = `<p>${escapeHtml(t.show)}: ${shows
    .map(([s, label]) => (s === d.show ? `<strong>${escapeHtml(label)}</strong>` : `<a href="${escapeHtml(href(base, view.lang, s === 'all' ? {} : { show: s }))}">${escapeHtml(label)}</a>`))
    .join(' · ')}</p>`;
  const rows = d.texts
    .map((x) => {
      const fields = `<input type="hidden" name="approved" value="${x.approved ? '0' : '1'}"><input type="hidden" name="show" value="${escapeHtml(d.show)}">${d.after ? `<input type="hidden" name="after" value="${d.after}">` : ''}`;
      const button = x.approved
        ? `<button type="submit" class="bf-button bf-button--danger bf-button--small">${escapeHtml(t.withdraw)}</button>`
        : `<button type="submit" class="bf-button bf-button--small">${escapeHtml(t.approve)}</button>`;
      return `<tr id="text-${x.id}" data-text-id="${x.id}" data-approved="${x.approved}">
<td>${escapeHtml(x.questionTitle)} <small><code>${escapeHtml(x.question)}</code></small></td>
<td><code>${escapeHtml(x.segment)}</code></td>
<td>${escapeHtml(x.linkLabel ?? '')}</td>
<td class="bf-text">${escapeHtml(x.text)}</td>
<td><span class="bf-state bf-state--${x.approved ? 'active' : 'closed'}">${escapeHtml(x.approved ? t.yes : t.no)}</span></td>
<td>${postForm(view, `${base}/${x.id}`, `${fields}${button}`)}</td>
</tr>`;
    })
    .join('\n');
  const table = d.texts.length
    ? `<table class="bf-table bf-texts"><thead><tr><th scope="col">${escapeHtml(t.question)}</th><th scope="col">${escapeHtml(t.segment)}</th><th scope="col">${escapeHtml(t.label)}</th><th scope="col">${escapeHtml(t.text)}</th><th scope="col">${escapeHtml(t.state)}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p>${escapeHtml(t.none)}</p>`;
  const paging = [
    d.after ? `<a href="${escapeHtml(href(base, view.lang, keep({})))}">${escapeHtml(t.first)}</a>` : '',
    d.next ? `<a href="${escapeHtml(href(base, view.lang, keep({ after: String(d.next) })))}">${escapeHtml(t.more)}</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const done: Notice | undefined = d.done ? { kind: 'ok', html: escapeHtml(d.done === 'approved' ? t.doneApproved : t.doneWithdrawn) } : undefined;
  return page(
    view,
    `${t.title}: ${d.title}`,
    `<p>${escapeHtml(t.intro)}</p><p>${escapeHtml(t.release)}</p>
${notice(done)}
<section class="bf-section" aria-labelledby="bf-texts-h"><h2 id="bf-texts-h">${escapeHtml(t.count(d.approved, d.total))}</h2>${filter}${table}${paging ? `<p>${paging}</p>` : ''}</section>
<p><a href="${escapeHtml(href(`/admin/surveys/${d.slug}`, view.lang))}">${escapeHtml(t.back)}</a></p>`,
  );
}
