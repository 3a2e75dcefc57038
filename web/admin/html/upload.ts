// Upload of a SurveyJS definition (pasted, or read from a file by admin.js) and the linter's
// findings, one row per element.
import { escapeHtml, type Notice, notice, postForm, textsOf, type View } from './layout.ts';
import { XLS_TEXTS } from './preview.ts';

export type UploadResult =
  | { kind: 'created' | 'unchanged'; version: number; sanitized?: { element: string; message: string }[]; warnings?: { element: string; message: string }[] }
  | { kind: 'refused'; message?: string; findings: { element: string; message: string }[]; slug?: string; definition: string };

export function uploadResult(view: View, r: UploadResult | undefined): string {
  if (!r) return '';
  const t = textsOf(view);
  let n: Notice;
  const findingRows = (findings: { element: string; message: string }[]) => findings.map((f) => `<tr><td><code>${escapeHtml(f.element)}</code></td><td>${escapeHtml(f.message)}</td></tr>`).join('');
  const findingTable = (rows: string) => `<table class="bf-table bf-findings"><thead><tr><th>${escapeHtml(t.element)}</th><th>${escapeHtml(t.finding)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  if (r.kind !== 'refused') {
    const done = escapeHtml(r.kind === 'created' ? t.versionAdded(r.version) : t.versionSame(r.version));
    const cleaned = r.sanitized?.length ? `<p>${escapeHtml(t.htmlCleaned)}</p>${findingTable(findingRows(r.sanitized))}` : '';
    // questions whose codes or scale changed: imported, but reports keep their versions apart
    const recoded = r.warnings?.length ? `<p>${escapeHtml(t.codingChanged)}</p>${findingTable(findingRows(r.warnings))}` : '';
    n = cleaned || recoded ? { kind: 'ok', html: `<p>${done}</p>${recoded}${cleaned}` } : { kind: 'ok', html: done };
  } else {
    const rows = findingRows(r.findings);
    n = {
      kind: 'error',
      html: `<p>${escapeHtml(r.message ?? t.lintFailed)}</p>${rows ? findingTable(rows) : ''}`,
    };
  }
  return notice(n);
}

export function uploadForm(view: View, action: string, opts: { withSlug?: boolean; upload?: UploadResult } = {}): string {
  const t = textsOf(view);
  const refused = opts.upload?.kind === 'refused' ? opts.upload : undefined;
  const slug = opts.withSlug
    ? `<label for="bf-slug">${escapeHtml(t.slug)}</label><input id="bf-slug" name="slug" required pattern="[a-z0-9][a-z0-9\\-]{0,62}" value="${escapeHtml(refused?.slug ?? '')}">`
    : '';
  return `<p>${escapeHtml(t.uploadIntro)}</p>${postForm(
    view,
    action,
    `${slug}
<label for="bf-file">${escapeHtml(t.file)}</label><input id="bf-file" type="file" accept=".json,application/json" data-fill="bf-definition" hidden>
<label for="bf-definition">${escapeHtml(t.definition)}</label>
<textarea id="bf-definition" name="definition" rows="8" required spellcheck="false">${escapeHtml(refused?.definition ?? '')}</textarea>
<button type="submit" class="bf-button">${escapeHtml(t.uploadButton)}</button>`,
    { className: 'bf-form bf-upload' },
  )}${xlsformForm(view, opts.withSlug ? '/admin/xlsform' : action.replace(/\/versions$/, '/xlsform'), !!opts.withSlug)}`;
}

/** An XLSForm spreadsheet: admin.js reads the file into `file` (base64); the server shows a preview. */
function xlsformForm(view: View, action: string, withSlug: boolean): string {
  const t = XLS_TEXTS[view.lang];
  const slug = withSlug ? `<label for="bf-xls-slug">${escapeHtml(textsOf(view).slug)}</label><input id="bf-xls-slug" name="slug" pattern="[a-z0-9][a-z0-9\\-]{0,62}">` : '';
  return `<h3>${escapeHtml(t.xlsTitle)}</h3><p>${escapeHtml(t.xlsIntro)}</p>${postForm(
    view,
    action,
    `${slug}
<label for="bf-xls-file">${escapeHtml(t.xlsFile)}</label><input id="bf-xls-file" type="file" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" data-base64="bf-xls-data" data-name="bf-xls-name" required>
<input type="hidden" id="bf-xls-data" name="file"><input type="hidden" id="bf-xls-name" name="fileName">
<label><input type="checkbox" name="lenient" value="1"> ${escapeHtml(t.xlsLenient)}</label>
<noscript><p>${escapeHtml(t.xlsNeedsScript)}</p></noscript>
<button type="submit" class="bf-button">${escapeHtml(t.xlsButton)}</button>`,
    { className: 'bf-form bf-upload bf-upload--xlsform' },
  )}`;
}
