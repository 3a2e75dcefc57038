// A test result in plain words, German with decimal comma and English:
// "Die Unterschiede sind klein (Cramérs V = 0,12) und statistisch nicht gesichert (p = 0,31)."
import { formatNumber, formatP, type Locale } from '../format.ts';
import type { LocalizedText, TestResult } from './model.ts';

const SIZE = {
  de: ['sehr klein', 'klein', 'mittel', 'groß'],
  en: ['very small', 'small', 'medium', 'large'],
} as const;

/** Conventional thresholds: Cohen for V and r (0.1, 0.3, 0.5), η²(H) 0.01, 0.06, 0.14. */
export function effectSize(effectName: TestResult['effectName'], effect: number): 0 | 1 | 2 | 3 {
  const cuts = effectName === 'eta-squared-h' ? [0.01, 0.06, 0.14] : [0.1, 0.3, 0.5];
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

export function testText(t: Pick<TestResult, 'effect' | 'effectName' | 'p'>): LocalizedText {
  const size = effectSize(t.effectName, t.effect);
  const sig = t.p < ALPHA;
  const words = (locale: Locale) => {
    const effect = `${SYMBOL[t.effectName][locale]} = ${formatNumber(t.effect, locale, 2)}`;
    const p = formatP(t.p, locale);
    return locale === 'de'
      ? `Die Unterschiede sind ${SIZE.de[size]} (${effect}) und statistisch ${sig ? 'gesichert' : 'nicht gesichert'} (${p}).`
      : `The differences are ${SIZE.en[size]} (${effect}) and ${sig ? 'statistically significant' : 'not statistically significant'} (${p}).`;
  };
  return { de: words('de'), en: words('en') };
}
