// Server-side HTML for the respondent page `GET /s/:token` and for the plain
// message pages (404 unknown link, 410 closed link) that need no JavaScript.
//
// The documents carry no inline script and no inline style, so the server can send
//   default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';
//   img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none';
//   form-action 'none'; frame-ancestors 'none'
// ('unsafe-inline' for styles only because survey-js-ui sets element style attributes).

import { assetFile } from '../manifest.ts';

export type PageLang = 'de' | 'en';

export interface RespondentPageOptions {
  /** The link token from the URL. Only echoed into the page escaped; the script reads location.pathname. */
  token: string;
  /** Requested language (`?lang=`); anything but 'en' falls back to German. */
  lang?: string | null;
  /** Where `respondent.js` and `respondent.css` are served from. Defaults to `/assets`. */
  assetBase?: string;
}

export interface MessagePageOptions {
  title: string;
  message: string;
  lang?: string | null;
  /** The HTTP status the server answers with (404, 410, …); recorded on the body for tests and styling. */
  status: number;
  assetBase?: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for use in HTML element content and in double- or single-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function pageLang(lang: string | null | undefined): PageLang {
  return typeof lang === 'string' && lang.toLowerCase().startsWith('en') ? 'en' : 'de';
}

function assetUrl(base: string | undefined, file: string): string {
  const root = (base ?? '/assets').replace(/\/+$/, '');
  return `${root}/${file}`;
}

const TEXT = {
  de: {
    title: 'Befragung',
    loading: 'Die Befragung wird geladen …',
    noscript:
      'Diese Befragung benötigt JavaScript. Bitte aktivieren Sie JavaScript in Ihrem Browser oder öffnen Sie den Link in einem anderen Browser.',
    skip: 'Zum Fragebogen springen',
  },
  en: {
    title: 'Survey',
    loading: 'Loading the survey …',
    noscript:
      'Diese Befragung benötigt JavaScript. This survey needs JavaScript: please enable it in your browser or open the link in another browser.',
    skip: 'Skip to the questionnaire',
  },
} as const;

/**
 * The start of every Befund document up to `</head>`, for the respondent, message, workspace and
 * preview pages: language, viewport, no indexing, no referrer, no favicon request, the title, one
 * stylesheet and (optional) one deferred script. `css` and `js` are the URLs.
 */
export function documentHead(lang: PageLang, title: string, css: string, js?: string): string {
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="${escapeHtml(css)}">`,
    js ? `<script src="${escapeHtml(js)}" defer></script>` : '',
    '</head>',
  ]
    .filter(Boolean)
    .join('\n');
}

function head(lang: PageLang, title: string, assetBase: string | undefined, withScript: boolean): string {
  return documentHead(lang, title, assetUrl(assetBase, assetFile('respondent.css')), withScript ? assetUrl(assetBase, assetFile('respondent.js')) : undefined);
}

/**
 * Where respondent.js renders a survey (on the respondent page and the workspace's preview): the
 * survey with its loading line, the status line, the resume and after panels, and the sentence
 * for browsers without JavaScript.
 */
export function surveyMount(loading: string, noscript: string): string {
  return `<div class="bf-survey" id="bf-survey" tabindex="-1"><p class="bf-loading">${escapeHtml(loading)}</p></div>
<div class="bf-status" id="bf-status" role="status" aria-live="polite" tabindex="-1"></div>
<section class="bf-panel" id="bf-resume" hidden></section>
<section class="bf-panel" id="bf-after" hidden></section>
<noscript><p class="bf-message">${escapeHtml(noscript)}</p></noscript>`;
}

/** The full HTML document of the respondent page. The survey itself is rendered by `/assets/respondent.js`. */
export function renderRespondentPage(opts: RespondentPageOptions): string {
  const lang = pageLang(opts.lang);
  const t = TEXT[lang];
  return `${head(lang, `${t.title} – Befund`, opts.assetBase, true)}
<body class="bf-page" data-token="${escapeHtml(opts.token)}">
<a class="bf-skip" href="#bf-survey">${escapeHtml(t.skip)}</a>
<header class="bf-header">
<span class="bf-brand">Befund</span>
<nav class="bf-lang" id="bf-lang" aria-label="Sprache / Language"></nav>
</header>
<main class="bf-main" id="bf-main">
${surveyMount(t.loading, t.noscript)}
</main>
</body>
</html>
`;
}

/** A plain page without JavaScript, e.g. "Dieser Link ist ungültig." (404) or a closed link (410). */
export function renderMessagePage(opts: MessagePageOptions): string {
  const lang = pageLang(opts.lang);
  const status = Number.isInteger(opts.status) ? opts.status : 0;
  return `${head(lang, `${opts.title} – Befund`, opts.assetBase, false)}
<body class="bf-page bf-page--message" data-status="${status}">
<header class="bf-header"><span class="bf-brand">Befund</span></header>
<main class="bf-main" id="bf-main">
<div class="bf-message">
<h1>${escapeHtml(opts.title)}</h1>
<p>${escapeHtml(opts.message)}</p>
</div>
</main>
</body>
</html>
`;
}
