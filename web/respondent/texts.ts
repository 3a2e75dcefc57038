// The respondent page's own words (SurveyJS brings its own for buttons and errors).
export type Lang = 'de' | 'en';

export const TEXTS = {
  de: {
    docTitle: 'Befragung',
    loading: 'Die Befragung wird geladen …',
    invalidTitle: 'Dieser Link ist ungültig.',
    invalidMessage: 'Bitte prüfen Sie, ob Sie den Link vollständig kopiert haben.',
    closedTitle: 'Diese Befragung ist geschlossen.',
    closed: 'Diese Befragung nimmt keine Antworten mehr an. Vielen Dank für Ihr Interesse.',
    full: 'Diese Befragung hat bereits alle vorgesehenen Antworten erhalten. Vielen Dank für Ihr Interesse.',
    notOpen: 'Diese Befragung ist noch nicht geöffnet. Bitte versuchen Sie es später noch einmal.',
    loadFailed: 'Die Befragung konnte nicht geladen werden. Bitte prüfen Sie Ihre Verbindung.',
    reload: 'Neu laden',
    saving: 'Wird gespeichert …',
    saved: 'Ihre Antworten sind gespeichert.',
    offline: 'Keine Verbindung – Ihre Antworten sind lokal gespeichert.',
    retry: 'Erneut versuchen',
    retryIn: (s: number) => `Nächster Versuch in ${s} s.`,
    serverErrors: 'Bitte prüfen Sie die markierten Antworten.',
    resumeTitle: 'Später fortsetzen',
    resumeText:
      'Mit diesem persönlichen Link können Sie später – auch auf einem anderen Gerät – weitermachen. Geben Sie ihn nicht weiter.',
    resumeLabel: 'Ihr Link zum Fortsetzen',
    copy: 'Link kopieren',
    copied: 'Link kopiert.',
    alreadyDone: 'Sie haben an dieser Befragung bereits teilgenommen. Vielen Dank!',
    thanks: 'Vielen Dank für Ihre Teilnahme! Ihre Antworten wurden gespeichert.',
    deleteButton: 'Meine Antwort löschen',
    deleteConfirm: 'Möchten Sie Ihre Antwort wirklich löschen? Das kann nicht rückgängig gemacht werden.',
    deleteYes: 'Ja, endgültig löschen',
    deleteNo: 'Abbrechen',
    deleted: 'Ihre Antwort wurde gelöscht.',
    print: 'Drucken / als PDF speichern',
    deleteFailed: 'Die Antwort konnte nicht gelöscht werden. Bitte versuchen Sie es erneut.',
    resumeFailed: 'Der Link zum Fortsetzen ist nicht mehr gültig. Sie können die Befragung neu beginnen.',
    languageName: 'Deutsch',
  },
  en: {
    docTitle: 'Survey',
    loading: 'Loading the survey …',
    invalidTitle: 'This link is not valid.',
    invalidMessage: 'Please check that you copied the whole link.',
    closedTitle: 'This survey is closed.',
    closed: 'This survey no longer accepts answers. Thank you for your interest.',
    full: 'This survey has already received all the answers it needs. Thank you for your interest.',
    notOpen: 'This survey is not open yet. Please try again later.',
    loadFailed: 'The survey could not be loaded. Please check your connection.',
    reload: 'Reload',
    saving: 'Saving …',
    saved: 'Your answers are saved.',
    offline: 'No connection – your answers are stored on this device.',
    retry: 'Try again',
    retryIn: (s: number) => `Next attempt in ${s} s.`,
    serverErrors: 'Please check the marked answers.',
    resumeTitle: 'Continue later',
    resumeText: 'With this personal link you can continue later, also on another device. Do not share it.',
    resumeLabel: 'Your link to continue',
    copy: 'Copy link',
    copied: 'Link copied.',
    alreadyDone: 'You have already taken part in this survey. Thank you!',
    thanks: 'Thank you for taking part! Your answers have been saved.',
    deleteButton: 'Delete my answer',
    deleteConfirm: 'Do you really want to delete your answer? This cannot be undone.',
    deleteYes: 'Yes, delete it',
    deleteNo: 'Cancel',
    deleted: 'Your answer has been deleted.',
    print: 'Print / save as PDF',
    deleteFailed: 'Your answer could not be deleted. Please try again.',
    resumeFailed: 'The link to continue is no longer valid. You can start the survey again.',
    languageName: 'English',
  },
} as const;

export type Texts = (typeof TEXTS)[Lang];

export function isLang(value: unknown): value is Lang {
  return value === 'de' || value === 'en';
}

/** `?lang=` first, then a remembered choice, then the browser's languages, then the link's locale, then German. */
export function chooseLang(
  param: string | null,
  remembered: string | null,
  browser: readonly string[],
  linkLocale: string | undefined,
): Lang {
  const norm = (v: string | null | undefined) => (v ?? '').toLowerCase().slice(0, 2);
  if (isLang(norm(param))) return norm(param) as Lang;
  if (isLang(remembered)) return remembered;
  for (const l of browser) {
    const n = norm(l);
    if (isLang(n)) return n;
  }
  return isLang(linkLocale) ? linkLocale : 'de';
}
