// Respondent page entry (bundled to /assets/respondent.js by web/build.ts).
//
//   token (location.pathname) → GET link → choose language → pick the response to continue
//   (#resume=<id>.<key> | local record | new) → render the survey (survey-js-ui)
//   → save partial answers (Saver) → complete only when the server confirms → thank-you + erase.
import { type Question, type SurveyModel, Model, settings, surveyLocalization } from 'survey-core';
import 'survey-core/i18n/german';
import { renderSurvey } from 'survey-js-ui';
import { api, type FieldError, type LinkInfo } from './api.ts';
import { Saver, type SyncState } from './saver.ts';
import { dropRecord, type LocalRecord, loadRecord, newId, rememberedLang, rememberLang, saveRecord } from './store.ts';
import { chooseLang, type Lang, TEXTS } from './texts.ts';
import { keepQuestionsWhole } from './layout.ts';
import { startPreview } from './preview.ts';
import { button, byId, el, hideAfter, renderAfter, renderResume, renderStatus, showMessage, type StatusState } from './ui.ts';

// Survey texts written as plain strings or `{ default, en }` are German.
surveyLocalization.defaultLocale = 'de';
// Real headings (SurveyJS renders divs by default): the survey title is the page's h1.
settings.titleTags.survey = 'h1';
settings.titleTags.page = 'h2';
settings.titleTags.panel = 'h3';

function tokenFromPath(): string {
  const m = /\/s\/([^/?#]+)/.exec(location.pathname);
  const raw = m?.[1] ?? document.body.dataset.token ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Reads `#resume=<id>.<key>` and removes it from the address bar (and from history). */
function takeResumeFragment(): { id: string; key: string } | null {
  const m = /(?:^#|&)resume=([^.&]+)\.([^&]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return { id: decodeURIComponent(m[1]), key: decodeURIComponent(m[2]) };
}

function resumeUrl(token: string, rec: LocalRecord): string | null {
  if (!rec.resumeKey || rec.complete) return null;
  return `${location.origin}/s/${encodeURIComponent(token)}#resume=${encodeURIComponent(rec.id)}.${encodeURIComponent(rec.resumeKey)}`;
}

function freshRecord(version: number): LocalRecord {
  return { id: newId(), data: {}, pageNo: 0, dirty: false, complete: false, version, updatedAt: Date.now() };
}

/** Where to continue a response whose page we do not know: the last page holding an answer. */
function lastAnsweredPage(survey: SurveyModel): number {
  let page = 0;
  survey.visiblePages.forEach((p, i) => {
    if (p.questions.some((q) => !q.isEmpty())) page = i;
  });
  return page;
}

/** Picks the response to continue: the resume URL wins, then this browser's record, else a new one. */
async function chooseRecord(token: string, info: LinkInfo, lang: () => Lang): Promise<LocalRecord | null> {
  const t = () => TEXTS[lang()];
  const local = loadRecord(token);
  const frag = takeResumeFragment();
  if (frag) {
    const res = await api.load(frag.id, frag.key);
    if (res.kind === 'ok') {
      const same = local?.id === frag.id;
      const rec: LocalRecord = {
        id: frag.id,
        resumeKey: frag.key,
        data: same && local.dirty ? local.data : res.body.data,
        pageNo: same ? local.pageNo : -1,
        dirty: same ? local.dirty : false,
        complete: res.body.complete,
        version: info.version,
        updatedAt: Date.now(),
      };
      saveRecord(token, rec);
      return rec;
    }
    if (res.kind === 'network' && local?.id !== frag.id) {
      showMessage(t().docTitle, t().loadFailed, button(t().reload, () => location.reload()));
      return null;
    }
    if (res.kind === 'not_found') byId('bf-status').replaceChildren(el('p', {}, t().resumeFailed));
  }
  if (local) {
    if (local.complete) {
      if (info.oneResponsePerBrowser) return local;
      dropRecord(token);
      return freshRecord(info.version);
    }
    if (local.resumeKey && !local.dirty) {
      // Another device may have continued this response.
      const res = await api.load(local.id, local.resumeKey);
      if (res.kind === 'ok' && res.body.complete && !info.oneResponsePerBrowser) {
        dropRecord(token);
        return freshRecord(info.version);
      }
      if (res.kind === 'ok') return { ...local, data: res.body.data, complete: res.body.complete };
      if (res.kind === 'not_found') {
        dropRecord(token);
        return freshRecord(info.version);
      }
    }
    return local;
  }
  return freshRecord(info.version);
}

function showServerErrors(survey: SurveyModel, errors: FieldError[]): string[] {
  const general: string[] = [];
  let first: Question | null = null;
  for (const e of errors) {
    const name = e.question ?? '';
    const q = survey.getQuestionByName(name) ?? survey.getQuestionByName(name.replace(/-Comment$|[.[].*$/, ''));
    if (q) {
      q.addError(e.message);
      first ??= q;
    } else general.push(e.question ? `${e.question}: ${e.message}` : e.message);
  }
  if (first) {
    if (first.page && survey.currentPage !== first.page) survey.currentPage = first.page;
    const q = first;
    setTimeout(() => q.focus(true), 0);
  }
  return general;
}

async function start(): Promise<void> {
  const token = tokenFromPath();
  const params = new URLSearchParams(location.search);
  let lang: Lang = chooseLang(params.get('lang'), rememberedLang(), navigator.languages ?? [], undefined);
  const t = () => TEXTS[lang];
  document.documentElement.lang = lang;

  const linkRes = token ? await api.link(token) : ({ kind: 'not_found' } as const);
  if (linkRes.kind === 'not_found') return showMessage(t().invalidTitle, t().invalidMessage);
  if (linkRes.kind === 'gone') {
    const msg = linkRes.reason === 'full' ? t().full : linkRes.reason === 'not_open' ? t().notOpen : t().closed;
    return showMessage(t().closedTitle, msg);
  }
  if (linkRes.kind !== 'ok') {
    return showMessage(t().docTitle, t().loadFailed, button(t().reload, () => location.reload()));
  }
  const info = linkRes.body;
  lang = chooseLang(params.get('lang'), rememberedLang(), navigator.languages ?? [], info.locale);
  document.documentElement.lang = lang;

  const rec = await chooseRecord(token, info, () => lang);
  if (!rec) return;

  const survey = new Model(info.survey);
  survey.locale = lang;
  // Every keystroke reaches survey.data (and the local record), not only on blur.
  survey.textUpdateMode = 'onTyping';
  const setTitle = () => {
    document.title = `${survey.title || t().docTitle} – Befund`;
  };
  setTitle();

  let syncState: StatusState = { kind: 'idle' };
  let generalErrors: string[] = [];
  let completedByServer = false;
  let erased = false;
  // A survey that computes something (an OM-Check score) shows the respondent a result worth keeping.
  const printable =
    survey.calculatedValues.length > 0 || survey.getAllQuestions().some((q) => q.getType() === 'expression');

  const erase = async (): Promise<boolean> => {
    if (!rec.resumeKey) return false;
    const res = await api.remove(rec.id, rec.resumeKey);
    if (res.kind === 'ok' || res.kind === 'not_found') {
      dropRecord(token);
      return true;
    }
    return false;
  };
  const showAfter = (intro: string | null) =>
    renderAfter(t(), intro, erase, {
      printable: printable && survey.state === 'completed',
      onDeleted() {
        erased = true;
        syncState = { kind: 'erased' };
        renderStatus(t(), syncState, () => undefined);
        byId('bf-status').focus();
      },
    });

  const saver = new Saver(token, rec, () => lang, {
    state(s: SyncState) {
      if (erased) return;
      syncState = s;
      if (s.kind === 'invalid') generalErrors = showServerErrors(survey, s.errors);
      if (s.kind !== 'invalid') generalErrors = [];
      renderStatus(t(), s, () => saver.retryNow(), generalErrors);
    },
    resumeKey() {
      renderResume(t(), resumeUrl(token, rec));
    },
    lateComplete() {
      // The confirmation arrived on a retry after the respondent pressed "Abschließen",
      // or the response was completed elsewhere.
      completedByServer = true;
      if (survey.state === 'running') survey.doComplete();
    },
  });

  const refreshChrome = () => {
    renderLangSwitch();
    renderStatus(t(), syncState, () => saver.retryNow(), generalErrors);
    renderResume(t(), survey.state === 'completed' ? null : resumeUrl(token, rec));
    if (!erased && (survey.state === 'completed' || rec.complete)) showAfter(survey.state === 'completed' ? null : t().alreadyDone);
    setTitle();
  };

  const renderLangSwitch = () => {
    const nav = byId('bf-lang');
    nav.replaceChildren(
      ...(['de', 'en'] as const).map((l) =>
        button(TEXTS[l].languageName, () => switchLang(l), 'bf-lang-button', {
          lang: l,
          'aria-pressed': String(l === lang),
        }),
      ),
    );
  };
  const switchLang = (l: Lang) => {
    if (l === lang) return;
    lang = l;
    rememberLang(l);
    document.documentElement.lang = l;
    survey.locale = l;
    const url = new URL(location.href);
    url.searchParams.set('lang', l);
    history.replaceState(null, '', url.pathname + url.search);
    refreshChrome();
  };
  renderLangSwitch();

  if (rec.complete) {
    // One response per browser, already given (here or via the resume link).
    byId('bf-survey').replaceChildren(el('div', { class: 'bf-message' }, el('h1', {}, survey.title || t().docTitle)));
    showAfter(t().alreadyDone);
    return;
  }

  survey.data = rec.data;
  const pageNo = rec.pageNo >= 0 ? rec.pageNo : lastAnsweredPage(survey);
  survey.currentPageNo = Math.min(Math.max(0, pageNo), Math.max(0, survey.visiblePageCount - 1));

  survey.onValueChanged.add((s) => saver.update(s.data, s.currentPageNo));
  survey.onCurrentPageChanged.add((s) => {
    if (rec.dirty) saver.update(s.data, s.currentPageNo, true);
    else saver.setPage(s.currentPageNo);
  });
  survey.onCompleting.add(async (s, options) => {
    if (completedByServer) return;
    const out = await saver.complete(s.data);
    options.allow = out === 'ok';
  });
  survey.onComplete.add(() => {
    renderResume(t(), null);
    showAfter(null);
    byId('bf-survey').focus();
  });

  hideAfter();
  const area = byId('bf-survey');
  area.replaceChildren();
  keepQuestionsWhole(survey, area);
  renderSurvey(survey, area);
  renderResume(t(), resumeUrl(token, rec));
  // Answers that never reached the server (e.g. offline last time) go out now.
  if (rec.dirty) void saver.flush();
}

// The workspace's preview of an upload renders with this same bundle, without a link or saving.
const previewSrc = document.body.dataset.preview;
void (previewSrc ? startPreview(previewSrc) : start()).catch((err: unknown) => {
  console.error(err);
  const t = TEXTS[document.documentElement.lang === 'en' ? 'en' : 'de'];
  showMessage(t.docTitle, t.loadFailed, button(t.reload, () => location.reload()));
});
