// The login page: a POST form for the token (never a URL parameter), with CSRF.
import { escapeHtml, type Notice, notice, page, postForm, textsOf, type View } from './layout.ts';

export function loginPage(view: View, opts: { notice?: Notice; next?: string } = {}): string {
  const t = textsOf(view);
  const next = opts.next ? `<input type="hidden" name="next" value="${escapeHtml(opts.next)}">` : '';
  const form = postForm(
    view,
    '/admin/login',
    `${next}<label for="bf-token">${escapeHtml(t.token)}</label>
<input id="bf-token" name="token" type="password" autocomplete="current-password" required spellcheck="false" autofocus>
<button type="submit" class="bf-button">${escapeHtml(t.login)}</button>`,
    { className: 'bf-login' },
  );
  return page(view, t.loginTitle, `${notice(opts.notice)}<p>${escapeHtml(t.loginIntro)}</p>${form}`);
}
