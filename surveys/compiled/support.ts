// What the compiled validator understands. Every property outside these lists makes
// compileValidator return null, so the survey-core validator handles the survey instead.
// Properties that only change how a survey looks are listed; properties that change values,
// visibility or errors are listed only where the compiled checks reproduce them.

const LOOKS = [
  'type', 'name', 'title', 'description', 'descriptionLocation', 'titleLocation', 'hideNumber', 'showNumber',
  'startWithNewLine', 'width', 'minWidth', 'maxWidth', 'indent', 'state', 'errorLocation', 'placeholder',
  'requiredErrorText', 'colCount', 'choicesOrder', 'separateSpecialChoices', 'allowClear', 'searchEnabled',
  'otherText', 'otherPlaceholder', 'otherErrorText', 'noneText', 'size', 'autocomplete', 'rows', 'autoGrow',
  'allowResize', 'labelTrue', 'labelFalse', 'renderAs', 'swapOrder', 'minRateDescription', 'maxRateDescription',
  'rateType', 'displayMode', 'scaleColorMode', 'rateColorMode', 'displayRateDescriptionsAsExtremeItems',
  'rateDescriptionLocation', 'alternateRows', 'columnMinWidth', 'rowTitleWidth', 'showHeader', 'verticalAlign',
  'panelAddText', 'panelRemoveText', 'templateTitle', 'templateDescription', 'confirmDelete', 'confirmDeleteText',
  'panelsState', 'templateTabTitle', 'tabAlign', 'displayStyle', 'currency', 'maximumFractionDigits',
  'minimumFractionDigits', 'useGrouping', 'format', 'html', 'textUpdateMode', 'dataList', 'inputSize',
];
const LOGIC = ['visible', 'visibleIf', 'enableIf', 'requiredIf', 'readOnly', 'isRequired', 'validators'];
const SELECT = ['choices', 'showOtherItem', 'hasOther', 'showNoneItem', 'hasNone', 'choicesVisibleIf'];

/** Allowed JSON properties per question type (beyond LOOKS and LOGIC). */
export const QUESTION_PROPS: Record<string, string[]> = {
  text: ['inputType', 'min', 'max', 'step', 'maxLength'],
  comment: ['maxLength'],
  radiogroup: SELECT,
  dropdown: SELECT,
  checkbox: [...SELECT, 'maxSelectedChoices', 'minSelectedChoices'],
  tagbox: [...SELECT, 'maxSelectedChoices', 'minSelectedChoices'],
  boolean: [],
  rating: ['rateMin', 'rateMax', 'rateStep', 'rateCount'],
  ranking: ['choices'],
  matrix: ['rows', 'columns', 'isAllRowRequired', 'eachRowRequired'],
  paneldynamic: ['templateElements', 'minPanelCount', 'maxPanelCount', 'panelCount'],
  expression: ['expression'],
  html: [],
};
/** Question types allowed inside a dynamic panel's template (no logic there). */
export const INNER_TYPES = new Set(['text', 'comment', 'radiogroup', 'dropdown', 'checkbox', 'tagbox', 'boolean', 'rating']);
export const INNER_LOGIC = new Set(['isRequired', 'validators']);

export const CONTAINER_PROPS = new Set([
  'type', 'name', 'title', 'description', 'elements', 'visible', 'visibleIf', 'enableIf', 'readOnly', 'state',
  'questionTitleLocation', 'questionErrorLocation', 'showNumber', 'showQuestionNumbers', 'startWithNewLine',
  'width', 'minWidth', 'maxWidth', 'navigationTitle', 'navigationDescription', 'questionsOrder', 'innerIndent',
  'showPanelNumber',
]);

export const SURVEY_PROPS = new Set([
  'title', 'description', 'locale', 'pages', 'elements', 'showQuestionNumbers', 'showProgressBar', 'progressBarType',
  'completedHtml', 'completeText', 'pageNextText', 'pagePrevText', 'logo', 'logoPosition', 'widthMode', 'width',
  'questionTitleLocation', 'questionErrorLocation', 'showTitle', 'showPageTitles', 'showCompletedPage',
  'checkErrorsMode', 'questionsOrder', 'showPrevButton', 'goNextPageAutomatic', 'autoAdvanceEnabled',
  'calculatedValues', 'requiredMark', 'requiredText', 'showTOC', 'focusFirstQuestionAutomatic', 'headerView',
]);

const VALIDATOR_PROPS: Record<string, string[]> = {
  numericvalidator: ['minValue', 'maxValue'],
  textvalidator: ['minLength', 'maxLength', 'allowDigits'],
  regexvalidator: ['regex', 'caseInsensitive', 'insensitive'],
  emailvalidator: [],
  expressionvalidator: ['expression'],
};
const CHOICE_PROPS = new Set(['value', 'text']);
const looks = new Set(LOOKS);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when every property of a question's JSON is one the compiled checks reproduce. */
export function questionJsonSupported(type: string, json: Json, inner: boolean): boolean {
  const own = QUESTION_PROPS[type];
  if (!own || (inner && !INNER_TYPES.has(type))) return false;
  for (const key of Object.keys(json)) {
    if (looks.has(key) || own.includes(key)) continue;
    if (inner ? INNER_LOGIC.has(key) : LOGIC.includes(key)) continue;
    return false;
  }
  for (const list of ['choices', 'rows', 'columns']) {
    const items = json[list];
    if (items === undefined) continue;
    if (!Array.isArray(items)) return false;
    if (!items.every((c) => !isObj(c) || Object.keys(c).every((k) => CHOICE_PROPS.has(k)))) return false;
  }
  return validatorsSupported(json.validators);
}

function validatorsSupported(validators: unknown): boolean {
  if (validators === undefined) return true;
  if (!Array.isArray(validators)) return false;
  return validators.every((v) => {
    if (!isObj(v)) return false;
    const own = VALIDATOR_PROPS[String(v.type).toLowerCase().replace(/(validator)?$/, 'validator')];
    return !!own && Object.keys(v).every((k) => k === 'type' || k === 'text' || own.includes(k));
  });
}
