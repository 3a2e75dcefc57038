// The workspace's preview of an uploaded XLSForm file (body[data-preview]): the same survey, the
// same renderer and styles as the respondent page, German and English switchable, every
// finding beside its question. Test answers stay in this page: nothing is sent or kept.
import { type SurveyModel, Model } from 'survey-core';
import { renderSurvey } from 'survey-js-ui';
import { keepQuestionsWhole } from './layout.ts';
import type { Lang } from './texts.ts';
import { button, byId, el, showMessage } from './ui.ts';

interface Finding {
  element: string;
  kind: string;
  where?: { de: string; en: string };
  de: string;
  en: string;
}
interface PreviewData {
  survey: Record<string, unknown>;
  locales: string[];
  findings: Finding[];
}

const TEXTS = {
  de: {
    languageName: 'Deutsch',
    note: 'Hinweis',
    done: 'Testdurchlauf beendet. Ihre Testantworten wurden nicht gespeichert.',
    again: 'Noch einmal testen',
    failed: 'Die Vorschau konnte nicht geladen werden. Bitte laden Sie die Tabelle erneut hoch.',
  },
  en: {
    languageName: 'English',
    note: 'Note',
    done: 'Test run finished. Your test answers were not stored.',
    again: 'Test again',
    failed: 'The preview could not be loaded. Please upload the spreadsheet again.',
  },
} as const;

/** Puts each finding of an element at the top of the element; returns a function that rewrites them in the current language. */
function attachFindings(survey: SurveyModel, findings: Finding[], lang: () => Lang): () => void {
  const byElement = new Map<string, Finding[]>();
  for (const f of findings) byElement.set(f.element, [...(byElement.get(f.element) ?? []), f]);
  const rendered = new Map<string, HTMLElement>();
  const place = (name: string, root: HTMLElement) => {
    rendered.set(name, root);
    root.querySelector(':scope > .bf-finding-list')?.remove();
    const mine = byElement.get(name);
    if (!mine?.length) return;
    const t = TEXTS[lang()];
    const list = el(
      'ul',
      { class: 'bf-finding-list', 'data-element': name, 'aria-label': `${t.note}: ${name}` },
      ...mine.map((f) => el('li', { class: `bf-finding bf-finding--${f.kind}` }, f.where ? `${f.where[lang()]}: ` : '', lang() === 'en' ? f.en : f.de)),
    );
    root.prepend(list);
  };
  survey.onAfterRenderQuestion.add((_, o) => place(o.question.name, o.htmlElement));
  survey.onAfterRenderPanel.add((_, o) => place(o.panel.name, o.htmlElement));
  survey.onAfterRenderPage.add((s, o) => place(s.currentPage?.name ?? '', o.htmlElement));
  // a change of language re-renders the texts, not the elements: rewrite the lists in place
  return () => {
    for (const [name, root] of rendered) if (root.isConnected) place(name, root);
  };
}

export async function startPreview(src: string): Promise<void> {
  let lang: Lang = document.body.dataset.lang === 'en' ? 'en' : 'de';
  const res = await fetch(src, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
  if (!res.ok) return showMessage('Befund', TEXTS[lang].failed);
  const data = (await res.json()) as PreviewData;
  const survey = new Model(data.survey);
  survey.locale = lang;
  survey.textUpdateMode = 'onTyping';
  const relabelFindings = attachFindings(survey, data.findings, () => lang);

  const area = byId('bf-survey');
  const after = byId('bf-after');
  const renderLangSwitch = () =>
    byId('bf-lang').replaceChildren(
      ...(['de', 'en'] as const).map((l) =>
        button(TEXTS[l].languageName, () => switchLang(l), 'bf-lang-button', { lang: l, 'aria-pressed': String(l === lang) }),
      ),
    );
  const switchLang = (l: Lang) => {
    if (l === lang) return;
    lang = l;
    document.documentElement.lang = l;
    survey.locale = l;
    relabelFindings();
    renderLangSwitch();
    if (!after.hidden) showDone();
  };
  const showDone = () => {
    const t = TEXTS[lang];
    after.replaceChildren(
      el('p', { class: 'bf-thanks' }, t.done),
      button(t.again, () => {
        survey.clear(true, true);
        after.hidden = true;
        area.focus();
      }),
    );
    after.hidden = false;
  };
  // the test run ends here: no saver, nothing leaves the page
  survey.onComplete.add(() => showDone());
  renderLangSwitch();
  area.replaceChildren();
  keepQuestionsWhole(survey, area);
  renderSurvey(survey, area);
}
