// The shell of every workspace page: head (admin.css, admin.js; no inline script), header with
// navigation, language switch and the logout form. Everything interpolated is escaped.
import { documentHead, escapeHtml } from '../../pages/respondent.ts';
import { type Lang, TEXTS, type Texts } from './texts.ts';
import { assetFile } from '../../manifest.ts';

export { escapeHtml };

export interface View {
  lang: Lang;
  /** CSRF token for every form on the page. */
  csrf: string;
  /** The logged-in token, or null on the login page. */
  actor: { name: string; role: 'admin' | 'researcher' } | null;
  /** The current path, for the language switch. */
  path: string;
}

export function textsOf(view: View): Texts {
  return TEXTS[view.lang];
}

/** A workspace URL that keeps the language. */
export function href(path: string, lang: Lang, query: Record<string, string> = {}): string {
  const params = new URLSearchParams(query);
  if (lang === 'en') params.set('lang', 'en');
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function csrfField(view: View): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(view.csrf)}">`;
}

/** A POST form with the CSRF token; `confirm` asks before sending (admin.js). */
export function postForm(view: View, action: string, inner: string, opts: { className?: string; confirm?: string } = {}): string {
  const confirm = opts.confirm ? ` data-confirm="${escapeHtml(opts.confirm)}"` : '';
  const cls = opts.className ? ` class="${escapeHtml(opts.className)}"` : '';
  return `<form method="post" action="${escapeHtml(href(action, view.lang))}"${cls}${confirm}>${csrfField(view)}${inner}</form>`;
}

export type Notice = { kind: 'ok' | 'error'; html: string };

export function notice(n: Notice | undefined): string {
  if (!n) return '';
  return `<div class="bf-notice bf-notice--${n.kind}" role="${n.kind === 'error' ? 'alert' : 'status'}">${n.html}</div>`;
}

export function page(view: View, title: string, body: string): string {
  const t = textsOf(view);
  const other = view.lang === 'en' ? view.path : href(view.path, 'en');
  const nav = view.actor
    ? `<nav class="bf-nav" aria-label="${escapeHtml(t.brand)}">
<a href="${escapeHtml(href('/admin', view.lang))}">${escapeHtml(t.surveys)}</a>
${view.actor.role === 'admin' ? `<a href="${escapeHtml(href('/admin/audit', view.lang))}">${escapeHtml(t.audit)}</a>` : ''}
</nav>
<div class="bf-user"><span>${escapeHtml(t.loggedInAs)} <strong>${escapeHtml(view.actor.name)}</strong></span>
${postForm(view, '/admin/logout', `<button type="submit" class="bf-button bf-button--quiet">${escapeHtml(t.logout)}</button>`)}</div>`
    : '';
  return `${documentHead(view.lang, `${title} – Befund`, `/assets/${assetFile('admin.css')}`, `/assets/${assetFile('admin.js')}`)}
<body class="bf-admin">
<header class="bf-header">
<a class="bf-brand" href="${escapeHtml(href('/admin', view.lang))}">${escapeHtml(t.brand)}</a>
${nav}
<a class="bf-lang" href="${escapeHtml(other)}" lang="${view.lang === 'en' ? 'de' : 'en'}">${escapeHtml(t.otherLang)}</a>
</header>
<main class="bf-main" id="main">
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

/** A plain error page inside the shell (403 CSRF, 404, validation errors). */
export function errorPage(view: View, status: number, message: string): string {
  const t = textsOf(view);
  return page(
    view,
    status === 404 ? t.notFound : t.error,
    `${notice({ kind: 'error', html: escapeHtml(message) })}<p><a href="${escapeHtml(href('/admin', view.lang))}">${escapeHtml(t.back)}</a></p>`,
  );
}
