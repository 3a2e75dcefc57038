// Locale formatting for reports: numbers, percentages and p-values in German (decimal comma,
// thousands dot) or English, and the matching d3-format / d3-time-format locales that Vega and
// Vega-Lite take (`config.locale`, or the View's `locale` option), so chart text matches tables.

export type Locale = 'de' | 'en';
export const LOCALES: readonly Locale[] = ['de', 'en'];

/** Fails loudly for a locale the reports do not speak. */
export function asLocale(value: string): Locale {
  if (value === 'de' || value === 'en') return value;
  throw new Error(`unknown locale "${value}" (known: ${LOCALES.join(', ')})`);
}

/** d3-format locale definitions, as Vega's `formatLocale` and `config.locale.number` expect them. */
export const NUMBER_LOCALE = {
  de: { decimal: ',', thousands: '.', grouping: [3], currency: ['', '\u00a0€'], percent: '\u00a0%' },
  en: { decimal: '.', thousands: ',', grouping: [3], currency: ['$', ''] },
} as const;

/** d3-time-format locale definitions (Vega's `timeFormatLocale`). */
export const TIME_LOCALE = {
  de: {
    dateTime: '%A, der %e. %B %Y, %X',
    date: '%d.%m.%Y',
    time: '%H:%M:%S',
    periods: ['AM', 'PM'],
    days: ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'],
    shortDays: ['So', 'Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa'],
    months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
    shortMonths: ['Jan', 'Feb', 'Mrz', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez'],
  },
  en: {
    dateTime: '%x, %X',
    date: '%-m/%-d/%Y',
    time: '%-I:%M:%S %p',
    periods: ['AM', 'PM'],
    days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    shortDays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
    months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
    shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  },
} as const;

/** The `config.locale` block of a Vega or Vega-Lite spec (plain, mutable copies). */
export function vegaLocale(locale: Locale): { number: Record<string, unknown>; time: Record<string, unknown> } {
  return structuredClone({ number: NUMBER_LOCALE[locale], time: TIME_LOCALE[locale] }) as never;
}

const SEP = { de: { decimal: ',', thousands: '.' }, en: { decimal: '.', thousands: ',' } } as const;

/** Fixed-point number with `digits` decimals: 1234.5 → "1.234,5" (de) or "1,234.5" (en). */
export function formatNumber(value: number, locale: Locale, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, SEP[locale].thousands);
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '−' : ''}${grouped}${frac ? SEP[locale].decimal + frac : ''}`;
}

/** A percentage given as 0–100: 42.25 → "42,3 %" (de, no-break space) or "42.3%" (en). */
export function formatPercent(value: number, locale: Locale, digits = 1): string {
  const n = formatNumber(value, locale, digits);
  return locale === 'de' ? `${n}\u00a0%` : `${n}%`;
}

/** A share given as 0–1, shown as a percentage. */
export function formatShare(share: number, locale: Locale, digits = 1): string {
  return formatPercent(share * 100, locale, digits);
}

/** A p-value as statisticians write it: "p < 0,001", "p = 0,031", "p = 0,31" (three decimals below 0.1). */
export function formatP(p: number, locale: Locale): string {
  if (!Number.isFinite(p)) return 'p = –';
  if (p < 0.001) return `p < ${formatNumber(0.001, locale, 3)}`;
  return `p = ${formatNumber(p, locale, p < 0.1 ? 3 : 2)}`;
}

/** The d3-format string for shares drawn on a 0–1 axis. */
export const SHARE_FORMAT = '.0%';
