// What the public survey definition tells an outsider (the respondent page serves it): the
// questions every complete respondent had to answer. Read from the JSON alone, independent of the
// production code: required (`isRequired: true`), a question that gives one answer per person,
// and nothing that could hide, disable or skip it (visibleIf, enableIf, requiredIf, readOnly or
// visible: false on it, its panels or its page; a dynamic panel; any survey trigger). For those
// the attacker knows: shown to everyone (E = B) and answered by everyone (N = E), per cell.

const ONE_ANSWER = new Set(['radiogroup', 'dropdown', 'rating', 'boolean', 'text', 'comment', 'checkbox', 'tagbox']);

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const hideable = (e: Json) => !!e.visibleIf || !!e.enableIf || !!e.requiredIf || e.readOnly === true || e.visible === false;

export function requiredQuestions(definition: unknown): Set<string> {
  const out = new Set<string>();
  if (!isObject(definition)) return out;
  if (Array.isArray(definition.triggers) && definition.triggers.length > 0) return out;
  const walk = (elements: unknown) => {
    if (!Array.isArray(elements)) return;
    for (const e of elements) {
      if (!isObject(e) || hideable(e)) continue;
      if (e.type === 'panel') walk(e.elements);
      else if (ONE_ANSWER.has(String(e.type)) && e.isRequired === true && typeof e.name === 'string' && (e.valueName === undefined || e.valueName === e.name)) out.add(e.name);
    }
  };
  const pages = Array.isArray(definition.pages) ? definition.pages : [{ elements: definition.elements }];
  for (const p of pages) if (isObject(p) && !hideable(p)) walk(p.elements);
  return out;
}
