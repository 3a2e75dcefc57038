// The preview of an uploaded XLSForm file before it is published: the survey rendered by the
// respondent page's own bundle (respondent.js, respondent.css: exactly what respondents get),
// its findings listed above it and beside each question, and the two decisions,
// "Veröffentlichen" (the next version) and "Verwerfen". Test answers stay in the browser.
import { assetFile } from '../../manifest.ts';
import { documentHead, surveyMount } from '../../pages/respondent.ts';
import { type PreviewFinding, describeWhere } from '../../../surveys/xlsform/preview.ts';
import { csrfField, escapeHtml, href, type View } from './layout.ts';
import type { Lang } from './texts.ts';

const de = {
  xlsTitle: 'XLSForm-Tabelle (.xlsx oder .csv)',
  xlsIntro: 'Eine XLSForm-Datei (Blätter survey, choices, settings) wird umgewandelt und zuerst als Vorschau gezeigt; veröffentlicht wird sie erst auf Ihren Klick.',
  xlsFile: 'XLSForm-Datei',
  xlsButton: 'Vorschau zeigen',
  xlsLenient: 'Nicht Umsetzbares weglassen und in der Vorschau auflisten (sonst wird die ganze Tabelle abgelehnt)',
  xlsNeedsScript: 'Zum Hochladen einer Tabelle wird JavaScript benötigt.',
  xlsRefused: 'Nicht importiert: die Tabelle hat diese Probleme (nichts wurde gespeichert).',
  xlsWhere: 'Stelle in der Tabelle',
  previewTitle: 'Vorschau',
  previewIntro: (file: string, slug: string) => `Datei „${file}“ für die Umfrage „${slug}“. So sehen die Befragten sie; Ihre Testantworten werden nicht gespeichert.`,
  previewNext: (v: number) => `„Veröffentlichen“ legt Version ${v} an.`,
  previewSame: (v: number) => `Unverändert: die Tabelle entspricht Version ${v}; „Veröffentlichen“ legt keine neue Version an.`,
  findings: 'Hinweise',
  noFindings: 'Keine Hinweise: jede Frage ist übersetzt und erscheint in einem Zielgruppen-Bericht.',
  element: 'Element',
  finding: 'Hinweis',
  profileNotes: (n: number) => `${n} Hinweise zu den Zielgruppen-Profilen (Abschnitte und Kernaussagen, die in dieser Umfrage keine Frage finden)`,
  publish: 'Veröffentlichen',
  discard: 'Verwerfen',
  discarded: 'Die hochgeladene Tabelle wurde verworfen; nichts wurde gespeichert.',
  previewGone: 'Diese Vorschau gibt es nicht mehr (verworfen, veröffentlicht oder nach einer Stunde abgelaufen). Bitte laden Sie die Tabelle erneut hoch.',
  loading: 'Die Vorschau wird geladen …',
  noscript: 'Die Vorschau benötigt JavaScript.',
};
const en: typeof de = {
  xlsTitle: 'XLSForm spreadsheet (.xlsx or .csv)',
  xlsIntro: 'An XLSForm file (sheets survey, choices, settings) is converted and shown as a preview first; it is published only when you click.',
  xlsFile: 'XLSForm file',
  xlsButton: 'Show preview',
  xlsLenient: 'Leave out what cannot be converted and list it in the preview (otherwise the whole spreadsheet is refused)',
  xlsNeedsScript: 'Uploading a spreadsheet needs JavaScript.',
  xlsRefused: 'Not imported: the spreadsheet has these problems (nothing was stored).',
  xlsWhere: 'Place in the spreadsheet',
  previewTitle: 'Preview',
  previewIntro: (file: string, slug: string) => `File “${file}” for the survey “${slug}”. This is what respondents see; your test answers are not stored.`,
  previewNext: (v: number) => `“Publish” creates version ${v}.`,
  previewSame: (v: number) => `Unchanged: the spreadsheet equals version ${v}; “Publish” creates no new version.`,
  findings: 'Notes',
  noFindings: 'No notes: every question is translated and appears in an audience report.',
  element: 'Element',
  finding: 'Note',
  profileNotes: (n: number) => `${n} notes on the audience profiles (sections and key findings that find no question in this survey)`,
  publish: 'Publish',
  discard: 'Discard',
  discarded: 'The uploaded spreadsheet was discarded; nothing was stored.',
  previewGone: 'This preview no longer exists (discarded, published or expired after an hour). Please upload the spreadsheet again.',
  loading: 'Loading the preview …',
  noscript: 'The preview needs JavaScript.',
};
export const XLS_TEXTS: Record<Lang, typeof de> = { de, en };

export interface PreviewPageData {
  id: string;
  slug: string;
  fileName: string;
  title: string;
  findings: PreviewFinding[];
  sameAs?: number;
  version: number;
}

/** The findings as a table: element, place in the spreadsheet, sentence. */
export function findingsTable(lang: Lang, findings: PreviewFinding[]): string {
  const t = XLS_TEXTS[lang];
  if (findings.length === 0) return `<p class="bf-note">${escapeHtml(t.noFindings)}</p>`;
  const row = (f: PreviewFinding) =>
    `<tr data-kind="${escapeHtml(f.kind)}"><td><code>${escapeHtml(f.element)}</code></td><td>${escapeHtml(describeWhere(f.where, lang))}</td><td>${escapeHtml(lang === 'en' ? f.en : f.de)}</td></tr>`;
  const table = (list: PreviewFinding[]) =>
    `<table class="bf-preview-findings"><thead><tr><th>${escapeHtml(t.element)}</th><th>${escapeHtml(t.xlsWhere)}</th><th>${escapeHtml(t.finding)}</th></tr></thead><tbody>${list.map(row).join('')}</tbody></table>`;
  // profile rules that find nothing in this survey are many and about the profiles: folded away
  const profiles = findings.filter((f) => f.kind === 'coverage' && f.element === 'survey');
  const own = findings.filter((f) => !profiles.includes(f));
  return `${own.length ? table(own) : ''}${profiles.length ? `<details class="bf-preview-profiles"><summary>${escapeHtml(t.profileNotes(profiles.length))}</summary>${table(profiles)}</details>` : ''}`;
}

/** The whole preview document (no inline script: respondent.js reads data-preview). */
export function previewPage(view: View, d: PreviewPageData): string {
  const t = XLS_TEXTS[view.lang];
  const base = `/admin/previews/${encodeURIComponent(d.id)}`;
  const form = (action: string, label: string, cls: string) =>
    `<form method="post" action="${escapeHtml(href(`${base}/${action}`, view.lang))}">${csrfField(view)}<button type="submit" class="bf-button ${cls}">${escapeHtml(label)}</button></form>`;
  return `${documentHead(view.lang, `${t.previewTitle}: ${d.title} – Befund`, `/assets/${assetFile('respondent.css')}`, `/assets/${assetFile('respondent.js')}`)}
<body class="bf-page bf-preview" data-preview="${escapeHtml(`${base}/survey.json`)}" data-lang="${view.lang}">
<header class="bf-header">
<a class="bf-brand" href="${escapeHtml(href('/admin', view.lang))}">Befund – ${escapeHtml(t.previewTitle)}</a>
<nav class="bf-lang" id="bf-lang" aria-label="Sprache / Language"></nav>
</header>
<main class="bf-main" id="bf-main">
<section class="bf-panel bf-preview-bar" aria-labelledby="bf-preview-title">
<h2 id="bf-preview-title">${escapeHtml(t.previewTitle)}: ${escapeHtml(d.title)}</h2>
<p>${escapeHtml(t.previewIntro(d.fileName, d.slug))} ${escapeHtml(d.sameAs ? t.previewSame(d.sameAs) : t.previewNext(d.version))}</p>
<h3>${escapeHtml(t.findings)}</h3>
${findingsTable(view.lang, d.findings)}
<div class="bf-row bf-preview-actions">${form('publish', t.publish, '')}${form('discard', t.discard, 'bf-secondary')}</div>
</section>
${surveyMount(t.loading, t.noscript)}
</main>
</body>
</html>
`;
}
