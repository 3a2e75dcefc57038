// Small DOM helpers for the page chrome around the survey (status bar, resume link,
// thank-you/delete panel, message pages). Text only via textContent: nothing is parsed as HTML.
import type { SyncState } from './saver.ts';
import type { Texts } from './texts.ts';

type Child = Node | string | null | undefined | false;

const present = (children: Child[]): (Node | string)[] => children.filter((c): c is Node | string => !!c);

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...present(children));
  return node;
}

export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page is missing #${id}; it must be rendered by renderRespondentPage().`);
  return node;
}

export function button(label: string, onClick: () => void, cls = 'bf-button', attrs: Record<string, string> = {}) {
  const b = el('button', { type: 'button', class: cls, ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** Replaces the survey area by a message (invalid link, closed link, load failure). */
export function showMessage(title: string, message: string, extra?: Node): void {
  const area = byId('bf-survey');
  area.replaceChildren(el('div', { class: 'bf-message' }, el('h1', {}, title), el('p', {}, message), extra));
  byId('bf-resume').hidden = true;
  byId('bf-status').replaceChildren();
}

let countdown: ReturnType<typeof setInterval> | undefined;

/** What the status line reports: the saver's state, or that the respondent erased the answer. */
export type StatusState = SyncState | { kind: 'erased' };

/**
 * The save status line, a live region right under the survey's navigation buttons (where the
 * respondent just pressed "Weiter"). It gets short, stable sentences; the countdown is outside it.
 */
export function renderStatus(t: Texts, s: StatusState, onRetry: () => void, generalErrors: string[] = []): void {
  const box = byId('bf-status');
  clearInterval(countdown);
  box.className = `bf-status bf-status--${s.kind}`;
  switch (s.kind) {
    case 'saving':
      box.replaceChildren(el('span', {}, t.saving));
      break;
    case 'saved':
      box.replaceChildren(el('span', {}, t.saved));
      break;
    case 'offline': {
      const tick = el('span', { class: 'bf-countdown', 'aria-hidden': 'true' });
      const update = () => {
        tick.textContent = ` ${t.retryIn(Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000)))}`;
      };
      update();
      countdown = setInterval(update, 1000);
      box.replaceChildren(
        el('p', { class: 'bf-offline' }, el('strong', {}, t.offline), tick),
        button(t.retry, onRetry, 'bf-button bf-retry'),
      );
      break;
    }
    case 'invalid':
      box.replaceChildren(
        ...present([
          el('p', {}, el('strong', {}, t.serverErrors)),
          generalErrors.length > 0 && el('ul', {}, ...generalErrors.map((m) => el('li', {}, m))),
        ]),
      );
      break;
    case 'closed':
      box.replaceChildren(el('p', {}, el('strong', {}, t.closedTitle)));
      break;
    case 'erased':
      box.replaceChildren(el('span', {}, t.deleted));
      break;
    default:
      box.replaceChildren();
  }
}

/** "Später fortsetzen": the personal resume URL, copyable. */
export function renderResume(t: Texts, url: string | null): void {
  const box = byId('bf-resume');
  if (!url) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const input = el('input', { id: 'bf-resume-url', type: 'text', readonly: true, value: url, class: 'bf-input' });
  const done = el('span', { class: 'bf-copied', role: 'status' });
  const copy = button(t.copy, () => {
    input.select();
    const ok = () => {
      done.textContent = t.copied;
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(url).then(ok, () => undefined);
    else if (document.execCommand?.('copy')) ok();
  });
  box.replaceChildren(
    el('h2', {}, t.resumeTitle),
    el('p', { id: 'bf-resume-help' }, t.resumeText),
    el('label', { for: 'bf-resume-url' }, t.resumeLabel),
    el('div', { class: 'bf-row' }, input, copy),
    done,
  );
  input.setAttribute('aria-describedby', 'bf-resume-help');
  box.hidden = false;
}

export interface AfterOptions {
  /** Offer "Drucken / als PDF speichern" (a survey that shows the respondent their own result). */
  printable?: boolean;
  /** Called once the answer is erased, after the panel has been emptied. */
  onDeleted?: () => void;
}

/**
 * Thank-you panel: "Drucken / als PDF speichern" where there is a result to keep, and
 * "Meine Antwort löschen" (a secondary button) with an inline confirmation.
 */
export function renderAfter(t: Texts, intro: string | null, onDelete: () => Promise<boolean>, opts: AfterOptions = {}): void {
  const box = byId('bf-after');
  const note = el('p', { class: 'bf-note', role: 'status' });
  const confirmBox = el('div', { class: 'bf-confirm', hidden: true });
  const del = button(
    t.deleteButton,
    () => {
      confirmBox.hidden = false;
      del.hidden = true;
      yes.focus();
    },
    'bf-button bf-secondary bf-delete',
  );
  const yes = button(
    t.deleteYes,
    () => {
      yes.disabled = true;
      void onDelete().then((ok) => {
        yes.disabled = false;
        if (ok) {
          // The status line under the survey says "gelöscht" (and takes the focus); the panel goes.
          box.replaceChildren();
          box.hidden = true;
          opts.onDeleted?.();
          return;
        }
        note.textContent = t.deleteFailed;
      });
    },
    'bf-button bf-danger',
  );
  const no = button(
    t.deleteNo,
    () => {
      confirmBox.hidden = true;
      del.hidden = false;
      del.focus();
    },
    'bf-button bf-secondary',
  );
  confirmBox.append(el('p', {}, t.deleteConfirm), el('div', { class: 'bf-row' }, yes, no));
  const print = opts.printable && button(t.print, () => window.print(), 'bf-button bf-print');
  box.replaceChildren(
    ...present([
      intro && el('p', { class: 'bf-thanks' }, intro),
      el('div', { class: 'bf-row bf-after-actions' }, ...present([print, del])),
      confirmBox,
      note,
    ]),
  );
  box.hidden = false;
}

export function hideAfter(): void {
  byId('bf-after').hidden = true;
}
