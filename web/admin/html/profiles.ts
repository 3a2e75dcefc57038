// The workspace page of a survey's own audience profiles: which question has which role (as the
// built-in profiles see it), the profiles in use, and a form to upload the survey's own ones as
// JSON ({ "profiles": [...] }). A refused upload lists one sentence per mistake and keeps the text.
import type { ProfileMistake } from '../../../analysis/profiles/check.ts';
import { escapeHtml, href, notice, type Notice, page, postForm, type View } from './layout.ts';

export interface ProfilesPageData {
  slug: string;
  title: string;
  /** Every question with its role, as reports see it. */
  questions: { name: string; type: string; role: string; source: 'mark' | 'inferred' }[];
  /** Audience → whether the survey's own profile or the built-in one applies. */
  audiences: { audience: string; own: boolean }[];
  /** The text in the form: the stored profiles, or the refused upload. */
  text: string;
  mistakes?: ProfileMistake[];
  saved?: boolean;
}

const T = {
  de: {
    title: 'Zielgruppen-Profile',
    intro:
      'Ein Profil legt fest, welche Fragen ein Zielgruppen-Bericht zeigt, in welchen Abschnitten und welche Kernaussagen er bildet. Ohne eigene Profile gelten die eingebauten Profile, die Fragen nach ihrer Rolle auswählen. Eigene Profile dieser Umfrage dürfen Fragen auch beim Namen nennen.',
    questions: 'Fragen und ihre Rollen',
    name: 'Frage', type: 'Typ', role: 'Rolle', source: 'Quelle', mark: 'Markierung', inferred: 'erkannt',
    inUse: 'Profile in Gebrauch',
    own: 'eigenes Profil dieser Umfrage', builtIn: 'eingebautes Profil',
    upload: 'Eigene Profile hochladen',
    hint: 'JSON: { "profiles": [ … ] }. Eine leere Liste entfernt die eigenen Profile; dann gelten wieder die eingebauten.',
    save: 'Profile prüfen und speichern',
    saved: 'Die Profile wurden gespeichert. Die Berichte dieser Umfrage verwenden sie ab sofort.',
    refused: (n: number) => `Die Profile wurden nicht gespeichert (${n === 1 ? 'ein Fehler' : `${n} Fehler`}):`,
    back: 'Zurück zur Umfrage',
  },
  en: {
    title: 'Audience profiles',
    intro:
      'A profile decides which questions an audience report shows, in which sections, and which key findings it draws. Without profiles of its own a survey uses the built-in profiles, which pick questions by their role. A survey’s own profiles may also name questions.',
    questions: 'Questions and their roles',
    name: 'Question', type: 'Type', role: 'Role', source: 'Source', mark: 'mark', inferred: 'inferred',
    inUse: 'Profiles in use',
    own: 'this survey’s own profile', builtIn: 'built-in profile',
    upload: 'Upload profiles of this survey',
    hint: 'JSON: { "profiles": [ … ] }. An empty list removes the survey’s own profiles; the built-in ones apply again.',
    save: 'Check and save profiles',
    saved: 'The profiles were saved. This survey’s reports use them from now on.',
    refused: (n: number) => `The profiles were not saved (${n === 1 ? 'one mistake' : `${n} mistakes`}):`,
    back: 'Back to the survey',
  },
};

export function profilesPage(view: View, d: ProfilesPageData): string {
  const t = T[view.lang];
  const rows = d.questions
    .map((q) => `<tr><td><code>${escapeHtml(q.name)}</code></td><td>${escapeHtml(q.type)}</td><td>${escapeHtml(q.role)}</td><td>${escapeHtml(q.source === 'mark' ? t.mark : t.inferred)}</td></tr>`)
    .join('');
  const inUse = d.audiences.map((a) => `<li><code>${escapeHtml(a.audience)}</code>: ${escapeHtml(a.own ? t.own : t.builtIn)}</li>`).join('');
  let n: Notice | undefined;
  if (d.mistakes?.length) n = { kind: 'error', html: `${escapeHtml(t.refused(d.mistakes.length))}<ul class="bf-mistakes">${d.mistakes.map((m) => `<li>${escapeHtml(m.message)}</li>`).join('')}</ul>` };
  else if (d.saved) n = { kind: 'ok', html: escapeHtml(t.saved) };
  const form = postForm(
    view,
    `/admin/surveys/${d.slug}/profiles`,
    `<label for="bf-profiles">${escapeHtml(t.hint)}</label>
<textarea id="bf-profiles" name="profiles" rows="24" spellcheck="false" class="bf-code">${escapeHtml(d.text)}</textarea>
<p><button type="submit" class="bf-button">${escapeHtml(t.save)}</button></p>`,
  );
  return page(
    view,
    `${t.title}: ${d.title}`,
    `<p>${escapeHtml(t.intro)}</p>
${notice(n)}
<section class="bf-section" aria-labelledby="bf-inuse-h"><h2 id="bf-inuse-h">${escapeHtml(t.inUse)}</h2><ul>${inUse}</ul></section>
<section class="bf-section" aria-labelledby="bf-upload-h"><h2 id="bf-upload-h">${escapeHtml(t.upload)}</h2>${form}</section>
<section class="bf-section" aria-labelledby="bf-roles-h"><h2 id="bf-roles-h">${escapeHtml(t.questions)}</h2>
<table class="bf-table"><thead><tr><th scope="col">${escapeHtml(t.name)}</th><th scope="col">${escapeHtml(t.type)}</th><th scope="col">${escapeHtml(t.role)}</th><th scope="col">${escapeHtml(t.source)}</th></tr></thead><tbody>${rows}</tbody></table></section>
<p><a href="${escapeHtml(href(`/admin/surveys/${d.slug}`, view.lang))}">${escapeHtml(t.back)}</a></p>`,
  );
}
