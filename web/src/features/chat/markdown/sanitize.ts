// The one DOMPurify instance of the renderer, with its hooks: raw HTML in an answer is data, never code.
import DOMPurify from 'dompurify';

const purify = DOMPurify(window);

/** Raster images only: an SVG data URL could carry script. */
const SAFE_IMAGE_DATA = /^data:image\/(png|jpe?g|gif|webp)[;,]/i;
/** Classes that highlight.js, marked and we emit; anything else in raw HTML is dropped. */
const SAFE_CLASS = /^(hljs(-[\w-]+)?|[a-z]+_+|language-[\w+#.-]+|md-task)$/;

const FORBID_TAGS = (
  'applet area audio base button canvas datalist dialog embed fieldset form frame frameset iframe ' +
  'input label legend link map marquee math meta meter noembed noframes noscript object optgroup ' +
  'option output picture portal progress script select slot source style svg template textarea ' +
  'think track video'
).split(' ');
const FORBID_ATTR = (
  'accesskey action autofocus background contenteditable crossorigin download draggable dynsrc form ' +
  'formaction id loading longdesc lowsrc name ping popover poster referrerpolicy sizes srcset style ' +
  'tabindex target usemap xlink:href'
).split(' ');

/** An absolute http(s) or mailto link, normalised; anything else (javascript:, data:, relative) is null. */
export function safeLinkHref(href: string): string | null {
  try {
    const url = new URL(href.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:'
      ? url.href
      : null;
  } catch {
    return null;
  }
}

/** What to do with an image: load it (same origin or a raster data URL), offer it (another host), drop it. */
export type ImageVerdict =
  { kind: 'load'; src: string } | { kind: 'external'; url: string; host: string } | { kind: 'drop' };

/** Decides whether an image source may load on a page at `base`. */
export function classifyImage(src: string, base: string): ImageVerdict {
  const trimmed = src.trim();
  if (SAFE_IMAGE_DATA.test(trimmed)) return { kind: 'load', src: trimmed };
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return { kind: 'drop' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'drop' };
  if (url.origin === new URL(base).origin) return { kind: 'load', src: url.href };
  return { kind: 'external', url: url.href, host: url.host };
}

/** Images the sanitiser held back, to be replaced once the walk is over. */
export interface HeldImages {
  external: { node: Element; url: string; host: string }[];
  dropped: Element[];
}

let current: { base: string; held: HeldImages } | null = null;

purify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName === 'class') {
    data.attrValue = data.attrValue
      .split(/\s+/)
      .filter((name) => SAFE_CLASS.test(name))
      .join(' ');
    if (!data.attrValue) data.keepAttr = false;
  } else if (data.attrName === 'href' && node.nodeName !== 'A') {
    data.keepAttr = false;
  }
});

purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A') {
    const href = node.getAttribute('href');
    const safe = href === null ? null : safeLinkHref(href);
    if (safe) {
      node.setAttribute('href', safe);
      node.setAttribute('title', safe);
    } else {
      node.removeAttribute('href');
    }
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  } else if (node.nodeName === 'IMG' && current) {
    const src = node.getAttribute('src');
    // The sanitiser works in an inert document: nothing loads before the decision below.
    node.removeAttribute('src');
    const verdict = src === null ? ({ kind: 'drop' } as const) : classifyImage(src, current.base);
    if (verdict.kind === 'load') node.setAttribute('src', verdict.src);
    else if (verdict.kind === 'external') current.held.external.push({ node, ...verdict });
    else current.held.dropped.push(node);
  }
});

/**
 * Sanitises HTML into a fragment of an inert document (images there never load). Images that may
 * not load are listed in `held` for the caller to replace.
 */
export function sanitize(html: string, base: string): { fragment: DocumentFragment; held: HeldImages } {
  const held: HeldImages = { external: [], dropped: [] };
  current = { base, held };
  try {
    const fragment = purify.sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS,
      FORBID_ATTR,
      ALLOW_DATA_ATTR: false,
      ALLOW_ARIA_ATTR: false,
      ALLOW_UNKNOWN_PROTOCOLS: false,
      // A <style> renamed before parsing (see render.ts): drop its text with it.
      ADD_FORBID_CONTENTS: ['x-md-style'],
      RETURN_DOM_FRAGMENT: true,
    });
    return { fragment, held };
  } finally {
    current = null;
  }
}
