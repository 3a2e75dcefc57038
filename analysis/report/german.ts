// German grammar for generated sentences: whether an answer label is singular or plural, so the
// verb agrees ("Am liebsten wird der Präsenzkurs genannt" / "werden Selbstlernmodule genannt"),
// and counted phrases ("ein weiterer Punkt wird" / "zwei weitere Punkte werden"). Labels are
// only ever used in the nominative (as subject or in quotes after a noun), so no case endings
// of labels are needed. Small heuristics, checked against every label of the fixtures and demos
// (test/analysis/german.test.ts); where they are unsure they say singular, as a quoted name is.

export type GrammaticalNumber = 'singular' | 'plural';

/** Words after which a label's head noun has ended (prepositions, genitive articles, "ohne" …). */
const STOP = new Set(
  'von vom für mit bei beim zu zum zur im in am an auf aus nach ohne während über unter durch der des den dem gegen vor um bis als wie sowie'.split(' '),
);
/** Finite verbs and negations that make a label a clause ("Angebote sind unbekannt"). */
const CLAUSE = /\b(ist|sind|war|waren|wird|werden|hat|haben|gibt|gab|liegt|liegen|fehlt|fehlen|passt|passen|kann|können|muss|müssen|nicht)\b/i;
/** Nouns used only in the plural, and plural nouns the endings below miss. */
const PLURAL_WORDS = /(kosten|finanzen|leute|eltern|ferien|daten|medien|räte|kräfte|pläne|bünde|mittel(?=n$))$/i;
/** Nouns in -e that are singular (mostly feminine; though most other -e nouns in label lists are plurals). */
const FEMININE_E =
  /(hilfe|sprache|frage|stelle|lage|reihe|grenze|woche|ebene|gruppe|größe|nähe|pflege|kasse|schule|sorge|marke|messe|seite|liste|rolle|weise|ware|folge|anlage|vorlage|grundlage|aufgabe|ausgabe|abgabe|ruhe|wärme|kälte|stärke|schwäche|höhe|länge|pause|runde|stunde|branche|kette|karte|zone|phase|rente|firma|idee|initiative|perspektive|kampagne|plattform|akademie|ie|gewerbe|interesse|ende|gebäude|erbe|image)$/i;
/** Nominalised verbs in -en: singular ("Lernen am Arbeitsplatz", "Energiesparen"). */
const VERB_NOUN = /(lernen|sparen|arbeiten|wissen|leben|verfahren|vertrauen|handeln|essen|wohnen|planen|führen|reisen|pendeln)$/i;

const stripped = (label: string) =>
  label
    .replace(/\([^)]*\)/g, ' ')
    .split(/\s\/\s|\//)[0]
    .replace(/[„“"'.,;:!?]+$/g, '')
    .trim();

/** The number of a noun by its ending. */
function nounNumber(noun: string): GrammaticalNumber {
  const w = noun.split('-').pop() ?? noun;
  if (PLURAL_WORDS.test(w)) return 'plural';
  if (/[^aeiouäöüs]es$/i.test(w) && w.length > 5) return 'plural'; // Websites, Services
  if (VERB_NOUN.test(w)) return 'singular';
  if (/(ungen|heiten|keiten|schaften|ionen|innen|nisse|täten|ien|ten|ften|ssen|ßen|gen|ren|len|nen|sen|ken|pen|fen|den|zen|chen)$/i.test(w) && !/(chen|lein)$/i.test(w)) {
    // -chen is a singular diminutive as often as a plural; -en after a vowel stem ("Konten") is plural
    return 'plural';
  }
  if (/[^aeiouäöüs]s$/i.test(w) && !/(us|is|nis|ums|urs|ers|ars|ors|ats|ets)$/i.test(w)) return 'plural'; // Workshops, Checks, Tools
  if (/e$/i.test(w)) return FEMININE_E.test(w) ? 'singular' : 'plural'; // Module, Webinare, Kurse, Wege, Angebote
  return 'singular';
}

/** Words that are neither the head noun nor an adjective of it. */
const FUNCTION = new Set('zu zu viel viele wenig wenige mehr kein keine keiner keines sehr eher ganz nur auch'.split(' '));
const PRONOUN = /^(nichts|etwas|alles|anderes|sonstiges)$/i;

/** A label that is a clause or sentence ("Angebote sind unbekannt", a check item): quoted as a name. */
export const isClause = (label: string): boolean => /[.!?]$/.test(label.trim()) || CLAUSE.test(stripped(label));

/** Whether a label (an answer option, a ranking item, a matrix row) is singular or plural. */
export function grammaticalNumber(label: string): GrammaticalNumber {
  const text = stripped(label);
  if (text === '' || /[.!?]$/.test(label.trim()) || CLAUSE.test(text)) return 'singular'; // a sentence or clause: quoted as one name
  const words = text.split(/\s+/);
  const last = words[words.length - 1];
  if (PRONOUN.test(words[0])) return 'singular'; // "Nichts davon"
  // "Fachkräfte gewinnen", "KI erkennen, bewerten und einführen": an activity, singular
  if (words.length > 1 && /^[a-zäöüß]+(en|ern|eln)$/.test(last)) return 'singular';
  // the head: the words before a preposition or genitive article ("Zeitmangel im Tagesgeschäft")
  const stop = words.findIndex((w, i) => i > 0 && STOP.has(w.toLowerCase()));
  const head = stop === -1 ? words : words.slice(0, stop);
  // "Sicherheit und Gesundheit", "Technik und IT": coordinated nouns are plural
  if (head.some((w, i) => i > 0 && w.toLowerCase() === 'und')) return 'plural';
  // adjectives before the head noun; the noun is the first capitalised word not followed by a
  // capitalised one ("Digitale Dienste"; "Anwendungen künstlicher Intelligenz" → Anwendungen)
  const adjectives: string[] = [];
  let noun = last;
  let quantifier = '';
  for (let i = 0; i < head.length; i++) {
    const w = head[i];
    const next = head[i + 1];
    if (FUNCTION.has(w.toLowerCase())) {
      quantifier = w.toLowerCase();
      continue;
    }
    const capital = /^[A-ZÄÖÜ0-9]/.test(w);
    if (!capital || (next && /^[A-ZÄÖÜ]/.test(next) && /[a-zäöüß](e|er|es|en|em)$/.test(w))) {
      adjectives.push(w.toLowerCase());
      continue;
    }
    noun = w;
    break;
  }
  if (/^(viele|wenige|mehrere|einige)$/.test(quantifier)) return 'plural';
  const ending = adjectives.length ? (adjectives[adjectives.length - 1].match(/(er|es|en|e)$/)?.[1] ?? '') : '';
  // a strong adjective ending without article: -er masculine, -es neuter singular ("geringer
  // Praxisbezug", "Mobiles Arbeiten"); -e feminine singular or plural ("Fehlende Zeit", "Fehlende Ansprechpartner")
  if (!quantifier && (ending === 'er' || ending === 'es')) return 'singular';
  if (quantifier === 'keine' && ending === 'en') return 'plural';
  const byNoun = nounNumber(noun);
  if (ending === 'e' && byNoun === 'singular' && /(er|el)$/.test(noun)) return 'plural'; // "Fehlende Ansprechpartner"
  return byNoun;
}

/** The same for an English label: the head noun before "of", "in", … ("Lack of time": singular). */
export function englishNumber(label: string): GrammaticalNumber {
  const text = stripped(label);
  if (/^\w+ing\b/i.test(text) || /[.!?]$/.test(label.trim())) return 'singular';
  const head = text.split(/\s+(?:of|in|for|with|at|on|to|during|from|by|about|without)\s+/i)[0];
  if (/\sand\s/i.test(head)) return 'plural';
  const noun = head.split(/\s+/).pop() ?? '';
  return /[^su]s$/i.test(noun) || /^(people|staff|media|data)$/i.test(noun) ? 'plural' : 'singular';
}

/** The number of a list of labels joined by "und": plural from two on. */
export const numberOf = (labels: readonly string[]): GrammaticalNumber => (labels.length === 1 ? grammaticalNumber(labels[0]) : 'plural');

const WORDS = ['null', 'ein', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwölf'];
const EN_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** "Ein weiterer Punkt wird" / "Zwei weitere Punkte werden" — for hidden items. */
export function moreItems(n: number, locale: 'de' | 'en'): string {
  if (locale === 'en') return n === 1 ? 'One more item is' : `${EN_WORDS[n] ?? n} more items are`.replace(/^./, (c) => c.toUpperCase());
  return n === 1 ? 'Ein weiterer Punkt wird' : `${(WORDS[n] ?? String(n)).replace(/^./, (c) => c.toUpperCase())} weitere Punkte werden`;
}
