// Keeps every question whole at any width.
//
// Matrices:
//   render / resize → matrix shown as a table wider than its question? → list layout
//                     (survey-core's phone layout: one block per row, every column labelled)
//                   → wide enough again for the width the table needed? → table layout
// The question frame scrolls sideways when its table is too wide, and its scrollbar is easy to
// miss: respondents then saw a 1–4 scale where the matrix had five columns. style.css lets the
// answer columns shrink to a radio's width; a matrix that still does not fit goes to the list.
//
// Ratings:
//   phone layout switched on or off → every rating measures its buttons again
// survey-core (2.5.38) measures a rating once, when it is first drawn: on a phone that is still
// the desktop layout (48 px buttons, end labels beside them), so a 5- or 7-point scale became a
// "Tippen Sie hier …" dropdown and stayed one, because a dropdown is never measured again.
import type { Question, SurveyModel } from 'survey-core';

const MATRIX_TYPES = new Set(['matrix', 'matrixdropdown', 'matrixdynamic']);

/** The width (px) of the question's content area that the table needed, per question id. */
const neededWidth = new Map<string, number>();

type MatrixQuestion = Question & { displayMode: 'auto' | 'table' | 'list' };

function isMatrix(q: Question): q is MatrixQuestion {
  return MATRIX_TYPES.has(q.getType());
}

function contentWidth(root: HTMLElement): number {
  const content = root.querySelector<HTMLElement>(':scope > .sd-question__content') ?? root;
  return content.clientWidth;
}

/** Decides table or list for one rendered matrix question; true when it switched. */
function fitOne(q: MatrixQuestion): boolean {
  const root = document.getElementById(q.id);
  if (!root || root.offsetParent === null) return false;
  const width = contentWidth(root);
  if (q.displayMode === 'list') {
    const needed = neededWidth.get(q.id);
    if (needed === undefined || width < needed) return false;
    q.displayMode = 'auto';
    return true;
  }
  // The phone layout survey-core chose by itself is already a list.
  if (root.classList.contains('sd-question--mobile')) return false;
  const overflow = root.scrollWidth - root.clientWidth;
  if (overflow <= 1) return false;
  neededWidth.set(q.id, width + overflow);
  q.displayMode = 'list';
  return true;
}

/** Wires both checks to rendering, page changes and every change of the survey's width. */
export function keepQuestionsWhole(survey: SurveyModel, area: HTMLElement): void {
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    // Two frames: survey-core applies its own (phone or desktop) layout on the first.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        pending = false;
        let switched = false;
        for (const q of survey.currentPage?.questions ?? []) {
          if (isMatrix(q) && q.isVisible && fitOne(q)) switched = true;
        }
        // A matrix that came back as a table is measured once more.
        if (switched) schedule();
      }),
    );
  };
  survey.onAfterRenderQuestion.add((_, options) => {
    if (isMatrix(options.question)) schedule();
  });
  survey.onAfterRenderPage.add(schedule);
  new ResizeObserver(schedule).observe(area);

  let mobile = survey.isMobile;
  survey.onResize.add(() => {
    if (survey.isMobile === mobile) return;
    mobile = survey.isMobile;
    survey.triggerResponsiveness(true);
  });
}
