// A test result in plain words, German with decimal comma and English:
// "Die Unterschiede sind klein (Cramérs V = 0,12) und statistisch nicht gesichert (p = 0,31)."
import { formatNumber, formatP, type Locale } from '../format.ts';
import type { LocalizedText, TestResult } from './model.ts';

const SIZE = {
  de: ['sehr klein', 'klein', 'mittel', 'groß'],
  en: ['very small', 'small', 'medium', 'large'],
} as const;

/**
 * Cramér's V by Cohen's w = 0.1, 0.3, 0.5 divided by sqrt(df*), df* = min(r − 1, c − 1), as the
 * usual table rounds them (Cohen 1988): a 3×3 table's V = 0.25 is medium, not small.
 */
const CRAMER_CUTS: Record<number, [number, number, number]> = {
  1: [0.1, 0.3, 0.5],
  2: [0.07, 0.21, 0.35],
  3: [0.06, 0.17, 0.29],
  4: [0.05, 0.15, 0.25],
  5: [0.04, 0.13, 0.22],
};

/** Cohen's thresholds of small, medium and large for V at df* (5 and above share one row). */
export function cramerCuts(dfStar: number): [number, number, number] {
  return CRAMER_CUTS[Math.min(5, Math.max(1, Math.floor(dfStar)))];
}

/**
 * Conventional thresholds: Cohen for r (0.1, 0.3, 0.5) and for V by the table's df* (1 when not
 * given, a 2×k table), η²(H) 0.01, 0.06, 0.14.
 */
export function effectSize(effectName: TestResult['effectName'], effect: number, dfStar = 1): 0 | 1 | 2 | 3 {
  const cuts = effectName === 'eta-squared-h' ? [0.01, 0.06, 0.14] : effectName === 'cramers-v' ? cramerCuts(dfStar) : [0.1, 0.3, 0.5];
  const e = Math.abs(effect);
  return e < cuts[0] ? 0 : e < cuts[1] ? 1 : e < cuts[2] ? 2 : 3;
}

const SYMBOL: Record<TestResult['effectName'], Record<Locale, string>> = {
  'cramers-v': { de: 'Cramérs V', en: 'Cramér’s V' },
  'eta-squared-h': { de: 'η²', en: 'η²' },
  r: { de: 'r', en: 'r' },
};

/** Significance level used in the wording. */
export const ALPHA = 0.05;

const METHOD = {
  exact: { de: 'exakter Test', en: 'exact test' },
  normal: { de: 'Normalapproximation', en: 'normal approximation' },
} as const;

export function testText(t: Pick<TestResult, 'effect' | 'effectName' | 'p' | 'effectDf' | 'method'>): LocalizedText {
  const size = effectSize(t.effectName, t.effect, t.effectDf);
  const sig = t.p < ALPHA;
  const words = (locale: Locale) => {
    const effect = `${SYMBOL[t.effectName][locale]} = ${formatNumber(t.effect, locale, 2)}`;
    // Mann-Whitney says which p-value it is: "p = 0,31; exakter Test"
    const p = formatP(t.p, locale) + (t.method ? `; ${METHOD[t.method][locale]}` : '');
    return locale === 'de'
      ? `Die Unterschiede sind ${SIZE.de[size]} (${effect}) und statistisch ${sig ? 'gesichert' : 'nicht gesichert'} (${p}).`
      : `The differences are ${SIZE.en[size]} (${effect}) and ${sig ? 'statistically significant' : 'not statistically significant'} (${p}).`;
  };
  return { de: words('de'), en: words('en') };
}
