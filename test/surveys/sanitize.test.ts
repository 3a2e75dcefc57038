// Author HTML is cleaned on import (surveys/sanitize.ts): an XSS corpus through every import
// path (API, workspace upload, the repository the CLI and startup use) leaves none of it in the
// stored definition, harmless formatting survives unchanged, and the author is told in German
// what was removed. Also: the respondent page's CSP loads fonts and images only from itself.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { importUpload } from '../../server/routes/admin/upload.ts';
import { importSurvey } from '../../server/repositories/surveys.ts';
import { sanitizeAuthorHtml, sanitizeDefinition } from '../../surveys/sanitize.ts';
import { buildTestApp } from '../helpers/app.ts';
import { researcherHeaders, seedLink } from '../helpers/fixtures.ts';

/** Vectors, each of which runs script, loads from a third party or both when rendered raw. */
const CORPUS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<a href="javascript:alert(1)">klick</a>',
  '<a href="JaVaScRiPt&colon;alert(1)">klick</a>',
  '<a href="  javascript:alert(1)">klick</a>',
  '<a href="data:text/html,<script>alert(1)</script>">klick</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="https://evil.example/x.swf"></object>',
  '<embed src="https://evil.example/x">',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<form action="https://evil.example/"><input name=x><button>Senden</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<style>@font-face{font-family:x;src:url(https://fonts.evil.example/x.woff2)}</style>',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<base href="https://evil.example/">',
  '<img src="https://tracker.evil.example/pixel.gif">',
  '<img src="//tracker.evil.example/pixel.gif">',
  '<div style="background:url(https://tracker.evil.example/p.gif)">x</div>',
  '<p onclick="alert(1)" onmouseover="alert(1)">Text</p>',
  '<a href="https://ok.example/" onfocus="alert(1)" autofocus>x</a>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<<script>script>alert(1)<</script>/script>',
];
/** What must not be in cleaned HTML, however spelled: tags, event handlers, script URLs, third parties. */
const FORBIDDEN = /<script|<svg|<iframe|<object|<embed|<style|<link|<meta|<base|<form|<math|javascript:|srcdoc|evil\.example\/|tracker\./i;
/** An event handler on a tag (attribute values blanked first: an escaped "onerror=" inside a title is text). */
const HANDLER = /\son[a-z]+\s*=/i;
const unsafe = (html: string) => FORBIDDEN.test(html) || HANDLER.test(html.replace(/"[^"]*"/g, '""'));
/** Every string in a definition. */
const strings = (node: unknown): string[] =>
  typeof node === 'string' ? [node] : node && typeof node === 'object' ? Object.values(node).flatMap(strings) : [];
const HARMLESS = '<p>Bitte lesen Sie <b>fett</b>, <i>kursiv</i> und den <a href="https://example.org/datenschutz">Datenschutzhinweis</a>.</p>';

const surveyWith = (html: string) => ({
  title: { de: 'XSS-Test', en: 'XSS test' },
  description: { de: `<b>Hinweis</b> ${html}`, en: 'Note' },
  completedHtml: { de: `<h3>Danke</h3>${html}`, en: `<p>Thanks</p>${html}` },
  completedHtmlOnCondition: [{ expression: '{q} = 1', html: `<p>Eins</p>${html}` }],
  logo: 'https://tracker.evil.example/logo.png',
  pages: [
    {
      name: 'p1',
      description: html,
      elements: [
        { type: 'html', name: 'intro', html: { de: `${HARMLESS}${html}`, en: html } },
        { type: 'radiogroup', name: 'q', title: 'Frage', choices: [1, 2] },
      ],
    },
  ],
});

t.test('the pure function: every vector loses its script and third-party loads, formatting stays', async (t) => {
  for (const vector of CORPUS) {
    const { html, removed } = sanitizeAuthorHtml(vector);
    t.notOk(unsafe(html), `cleaned: ${vector} → ${html}`);
    t.ok(removed.length > 0, `reported: ${vector} → ${removed.join(', ')}`);
    t.same(sanitizeAuthorHtml(html), { html, removed: [] }, 'cleaning is idempotent');
  }
  t.same(sanitizeAuthorHtml(HARMLESS), { html: HARMLESS, removed: [] }, 'b, i, p and an https link are kept exactly');
  for (const text of ['Kammer & Verband', 'a < b und c > d', 'Ihr „Betrieb“ – heute']) t.same(sanitizeAuthorHtml(text).html, text, `plain text is not rewritten: ${text}`);
  t.equal(sanitizeAuthorHtml('<img src="/assets/logo.png" alt="Logo">').removed.length, 0, 'an image from this server stays');
  t.equal(sanitizeAuthorHtml('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">').removed.length, 0, 'an inline image stays');
});

t.test('findings name the element, the language and what was removed, in German', async (t) => {
  const { findings, definition } = sanitizeDefinition(surveyWith('<img src=x onerror=alert(1)>'));
  const places = findings.map((f) => f.element);
  for (const place of ['intro.html (de)', 'intro.html (en)', 'completedHtml (de)', 'completedHtml (en)', 'description (de)', 'completedHtmlOnCondition.html', 'logo']) t.ok(places.includes(place), `${place} is named`);
  t.match(findings.find((f) => f.element === 'intro.html (de)')?.message, /HTML bereinigt, entfernt: <img onerror>/);
  t.match(findings.find((f) => f.element === 'logo')?.message, /Bildadresse entfernt/);
  t.equal((definition.description as Record<string, string>).en, 'Note', 'untouched texts stay');
  t.same(sanitizeDefinition(definition).findings, [], 'the cleaned definition cleans to itself');
});

const { app, cleanup } = await buildTestApp();
t.teardown(cleanup);
const headers = await researcherHeaders(app);

async function stored(slug: string): Promise<string[]> {
  const r = (await app.db.execute(
    sql`select v.definition from survey_versions v join surveys s on s.id = v.survey_id where s.slug = ${slug} order by v.version desc limit 1`,
  )) as unknown as { rows: { definition: unknown }[] };
  return strings(r.rows[0].definition);
}
const harmlessKept = (texts: string[]) => texts.some((s) => ['<p>', '<b>fett</b>', '<i>kursiv</i>', 'href="https://example.org/datenschutz"'].every((part) => s.includes(part)));

t.test('the API import stores no vector and says what it removed', async (t) => {
  for (const [i, vector] of CORPUS.entries()) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: `xss-api-${i}`, definition: surveyWith(vector) } });
    t.equal(res.statusCode, 201, vector);
    const body = res.json();
    t.ok(body.sanitized.length > 0, 'the answer lists what was removed');
    const texts = await stored(`xss-api-${i}`);
    t.same(texts.filter(unsafe), [], `nothing of ${vector} is stored`);
    t.ok(harmlessKept(texts), 'b, i, p and the https link are stored');
  }
  const again = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: 'xss-api-0', definition: surveyWith(CORPUS[0]) } });
  t.equal(again.statusCode, 200, 're-importing the same file is recognised as unchanged');
  const clean = await app.inject({ method: 'POST', url: '/api/v1/surveys', headers, payload: { slug: 'xss-clean', definition: { ...surveyWith(HARMLESS), logo: '/assets/logo.png' } } });
  t.same(clean.json().sanitized, [], 'a clean survey reports nothing');
});

t.test('the workspace upload and the repository (CLI, startup) clean the same way', async (t) => {
  const upload = await importUpload(app.db, 'xss-upload', JSON.stringify(surveyWith(CORPUS[1])), 'test', 'de');
  t.equal(upload.kind, 'created');
  t.ok(upload.kind !== 'refused' && (upload.sanitized?.length ?? 0) > 0, 'the upload result lists what was removed');
  t.same((await stored('xss-upload')).filter(unsafe), []);
  const repo = await importSurvey(app.db, { slug: 'xss-repo', definition: surveyWith(CORPUS[4]) }, 'cli');
  t.ok(repo.sanitized.some((f) => /<a href>/.test(f.message)), 'a javascript: link is reported');
  t.same((await stored('xss-repo')).filter(unsafe), []);
});

t.test('the respondent gets the cleaned definition, under a CSP with fonts and images from this server only', async (t) => {
  const [row] = ((await app.db.execute(sql`select id from surveys where slug = 'xss-api-1'`)) as unknown as { rows: { id: number }[] }).rows;
  const link = await seedLink(app, Number(row.id));
  const info = await app.inject({ method: 'GET', url: `/api/v1/links/${link.token}` });
  t.equal(info.statusCode, 200);
  t.same(strings(info.json().survey).filter(unsafe), []);
  const page = await app.inject({ method: 'GET', url: `/s/${link.token}` });
  const csp = String(page.headers['content-security-policy']);
  t.match(csp, /font-src 'self'(;|$)/, 'fonts only from this server');
  t.match(csp, /img-src 'self' data: blob:(;|$)/, 'images only from this server or inline');
  t.notMatch(csp, /https:/, 'no https: wildcard anywhere');
});
