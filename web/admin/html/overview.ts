// The workspace's start page (surveys with versions and counts) and the audit log page.
import { escapeHtml, href, page, textsOf, type View } from './layout.ts';
import { formatDate } from './texts.ts';
import { uploadForm, type UploadResult, uploadResult } from './upload.ts';

export interface SurveyRow {
  slug: string;
  title: string;
  archived: boolean;
  versions: { version: number; createdAt: Date }[];
  complete: number;
  partial: number;
}

export function overviewPage(view: View, surveys: SurveyRow[], upload?: UploadResult): string {
  const t = textsOf(view);
  const rows = surveys
    .map(
      (s) => `<tr>
<td><a href="${escapeHtml(href(`/admin/surveys/${s.slug}`, view.lang))}">${escapeHtml(s.title)}</a></td>
<td><code>${escapeHtml(s.slug)}</code></td>
<td>${s.versions.map((v) => `<span class="bf-version" title="${escapeHtml(formatDate(v.createdAt, view.lang))}">v${v.version}</span>`).join(' ')}</td>
<td class="bf-num">${s.complete}</td>
<td class="bf-num">${s.partial}</td>
</tr>`,
    )
    .join('\n');
  const table = surveys.length
    ? `<table class="bf-table"><thead><tr><th>${escapeHtml(t.title)}</th><th>${escapeHtml(t.slug)}</th><th>${escapeHtml(t.versions)}</th><th class="bf-num">${escapeHtml(t.complete)}</th><th class="bf-num">${escapeHtml(t.partial)}</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p>${escapeHtml(t.noSurveys)}</p>`;
  return page(view, t.surveys, `${uploadResult(view, upload)}${table}
<section class="bf-section"><h2>${escapeHtml(t.uploadNew)}</h2>${uploadForm(view, '/admin/surveys', { withSlug: true, upload })}</section>`);
}

export interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}

export function auditPage(view: View, entries: AuditRow[]): string {
  const t = textsOf(view);
  const rows = entries
    .map(
      (e) => `<tr>
<td>${escapeHtml(formatDate(e.at, view.lang))}</td>
<td>${escapeHtml(e.actor)}</td>
<td><code>${escapeHtml(e.action)}</code></td>
<td>${escapeHtml(e.target ?? '')}</td>
<td><code class="bf-details">${e.details == null ? '' : escapeHtml(JSON.stringify(e.details))}</code></td>
</tr>`,
    )
    .join('\n');
  return page(
    view,
    t.audit,
    `<table class="bf-table"><thead><tr><th>${escapeHtml(t.at)}</th><th>${escapeHtml(t.actor)}</th><th>${escapeHtml(t.action)}</th><th>${escapeHtml(t.target)}</th><th>${escapeHtml(t.details)}</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}
