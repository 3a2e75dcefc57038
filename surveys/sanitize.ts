// Author HTML in a survey definition, cleaned on import by one allow-list (sanitize-html): the
// respondent page renders html questions and the completion page as HTML, and the admin pages
// share the origin, so the stored definition must carry no script of its own. Kept: plain
// formatting, lists, tables, links to http(s)/mailto/tel, images from this server or data:.
// Removed: script, style, iframes, forms, event handlers, javascript: and other URLs, external
// images. A string with nothing to remove is kept exactly as written (no entity rewriting), so
// a cleaned definition cleans to itself and its content hash stays the same on re-import.
import sanitizeHtml from 'sanitize-html';

/** What was removed, per place in the definition: for the author, in German. */
export interface SanitizeFinding {
  element: string;
  message: string;
}

// biome-ignore format: a list
export const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'details', 'div', 'dl', 'dt', 'em',
  'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p',
  'pre', 'q', 's', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
  'tr', 'u', 'ul',
];

/** The one rule set, used on import and wherever author HTML is rendered. */
export const HTML_RULES: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    '*': ['lang', 'dir', 'title'],
    a: ['href', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start', 'type'],
  },
  allowedSchemes: ['https', 'http', 'mailto', 'tel'],
  // Images only from this server (a relative path) or inline: an external image would tell a
  // third party the respondent's IP address (the CSP blocks it too).
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // A link that opens a new window gets no handle on this page.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
};

/** Keys whose string (or localized strings) the respondent page may render as HTML. */
const HTML_KEYS = new Set(['html', 'completedHtml', 'completedBeforeHtml', 'loadingHtml', 'description', 'title']);
/** Keys holding an image address. */
const IMAGE_KEYS = new Set(['imageLink', 'logo', 'backgroundImage']);

const tagList = (tags: Iterable<string>) => [...tags].sort().join(', ');

/** Which tags and attributes `html` contains, as "tag" and "tag[attr]" entries. */
function inventory(html: string): Map<string, number> {
  const seen = new Map<string, number>();
  const add = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    onOpenTag(name, attribs) {
      add(`<${name}>`);
      for (const a of Object.keys(attribs)) add(`<${name} ${a}>`);
    },
  });
  return seen;
}

/** `html` cleaned, and what was removed (empty when nothing was, and then `html` itself). */
export function sanitizeAuthorHtml(html: string): { html: string; removed: string[] } {
  if (!/[<&]/.test(html)) return { html, removed: [] };
  const clean = sanitizeHtml(html, HTML_RULES);
  const before = inventory(html);
  const after = inventory(clean);
  const removed = new Set<string>();
  for (const [k, n] of before) if ((after.get(k) ?? 0) < n) removed.add(k);
  // Text outside any tag that the parser dropped (e.g. a script's body) shows as a shorter text.
  if (removed.size === 0 && textOf(clean) !== textOf(html)) removed.add('Text in einem unerlaubten Element');
  if (removed.size === 0) return { html, removed: [] };
  return { html: clean, removed: [...removed] };
}

const textOf = (html: string) => sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: [] }).replace(/\s+/g, ' ').trim();

/** A relative address on this server, or an inline data:image. */
function imageAllowed(url: string): boolean {
  const u = url.trim();
  if (/^data:image\/(png|gif|jpe?g|webp|avif);/i.test(u)) return true;
  return !/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('//') && !u.startsWith('\\');
}

/**
 * Cleans every author string the page may render as HTML (html questions, completedHtml and
 * its conditional variants, descriptions, titles — each language of a localized text) and
 * every image address. Returns a new definition and the findings; the input is not changed.
 */
export function sanitizeDefinition(definition: Record<string, unknown>): { definition: Record<string, unknown>; findings: SanitizeFinding[] } {
  const findings: SanitizeFinding[] = [];
  const place = (owner: string, key: string, locale?: string) => `${owner ? `${owner}.` : ''}${key}${locale && locale !== 'default' ? ` (${locale})` : ''}`;

  const cleanString = (value: string, owner: string, key: string, locale?: string): string => {
    if (IMAGE_KEYS.has(key)) {
      if (imageAllowed(value)) return value;
      findings.push({ element: place(owner, key, locale), message: `Bildadresse entfernt (${value.slice(0, 80)}): Bilder nur vom eigenen Server (relativer Pfad) oder als data:image, damit kein Dritter die IP-Adressen der Befragten erfährt` });
      return '';
    }
    const { html, removed } = sanitizeAuthorHtml(value);
    if (removed.length > 0)
      findings.push({ element: place(owner, key, locale), message: `HTML bereinigt, entfernt: ${tagList(removed)} (erlaubt sind Formatierung, Listen, Tabellen, Links auf http(s)/mailto/tel und Bilder vom eigenen Server)` });
    return html;
  };

  const walk = (node: unknown, owner: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, owner));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const name = typeof obj.name === 'string' ? obj.name : typeof obj.value === 'string' || typeof obj.value === 'number' ? `${owner}[${obj.value}]` : owner;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (HTML_KEYS.has(key) || IMAGE_KEYS.has(key)) {
        if (typeof value === 'string') {
          out[key] = cleanString(value, name, key);
          continue;
        }
        if (value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')) {
          out[key] = Object.fromEntries(Object.entries(value as Record<string, string>).map(([locale, text]) => [locale, cleanString(text, name, key, locale)]));
          continue;
        }
      }
      out[key] = walk(value, name || key);
    }
    return out;
  };

  return { definition: walk(definition, '') as Record<string, unknown>, findings };
}
