/**
 * Web app benchmark (issue 4), in headless Debian Chromium against the real server and model:
 * - initial JavaScript of the chat screen, gzipped (target ≤ 200 KB): every script the browser
 *   fetched until the chat screen was interactive, sized as the gzip files the server sends;
 * - navigation → interactive chat screen (performance mark `ps:chat-interactive`), against a baseline
 *   in the same run: navigation → load of a static file of the same server;
 * - first SSE `chunk` → its text on screen (marks `ps:first-chunk-received` → `ps:first-chunk-painted`,
 *   the latter taken in the next animation frame after React committed the text; target < 50 ms),
 *   against a baseline in the same page: one requestAnimationFrame round trip.
 *   npm run bench:web [-- --runs 7]
 * Writes bench/results/web.json and bench/results/web.md. Needs `npm run build:web` first.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { launchBrowser, openApp, signIn } from '../test/e2e/browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp } from '../test/helpers/test-app.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const runs = Number(values.runs);
const webRoot = path.resolve('dist/web');
if (!existsSync(path.join(webRoot, 'index.html')))
  throw new Error('Build the web app first: npm run build:web');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] ?? NaN;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

const t = await startTestApp({ listen: true, env: { MODEL_MAX_TOKENS: '64', MODEL_CONTEXT_LENGTH: '2048' } });
const browser = await launchBrowser();
try {
  // Sign in once; each later navigation is a fresh page load that restores the session from the cookie.
  const { context, page } = await openApp(browser, t.url);
  await page.goto('/');
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.waitForFunction(() => performance.getEntriesByName('ps:chat-interactive').length > 0);

  const scripts = new Set<string>();
  const interactive: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs; run++) {
    await page.goto('/manifest.webmanifest');
    baseline.push(Number(await page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")));
    const fetched: string[] = [];
    const onRequest = (request: { url(): string; resourceType(): string }) => {
      if (request.resourceType() === 'script') fetched.push(new URL(request.url()).pathname);
    };
    page.on('request', onRequest);
    await page.goto('/chat');
    await page.waitForFunction(() => performance.getEntriesByName('ps:chat-interactive').length > 0);
    page.off('request', onRequest);
    interactive.push(
      await page.evaluate(() => performance.getEntriesByName('ps:chat-interactive')[0]!.startTime),
    );
    if (run === 0) for (const script of fetched) scripts.add(script);
  }
  const sizes = [...scripts].map((script) => {
    const bytes = readFileSync(path.join(webRoot, script));
    return { script, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const initialGzip = sizes.reduce((sum, size) => sum + size.gzip, 0);

  // First chunk → on screen, one new conversation per turn.
  const toScreen: number[] = [];
  const toCommit: number[] = [];
  const frame: number[] = [];
  for (let run = 0; run < runs; run++) {
    await page.goto('/chat');
    await page.waitForFunction(() => performance.getEntriesByName('ps:chat-interactive').length > 0);
    frame.push(
      Number(
        await page.evaluate(
          'new Promise((resolve) => { const start = performance.now(); requestAnimationFrame(() => resolve(performance.now() - start)); })',
        ),
      ),
    );
    const composer = page.getByRole('textbox', { name: /message|pesan/i });
    await composer.fill('Once upon a time');
    await composer.press('Enter');
    await page.waitForFunction(() => performance.getEntriesByName('ps:first-chunk-painted').length > 0);
    toScreen.push(
      await page.evaluate(
        () =>
          performance.getEntriesByName('ps:first-chunk-painted')[0]!.startTime -
          performance.getEntriesByName('ps:first-chunk-received')[0]!.startTime,
      ),
    );
    toCommit.push(
      Number(
        await page.evaluate(
          "performance.getEntriesByName('ps:first-chunk-committed')[0].startTime - performance.getEntriesByName('ps:first-chunk-received')[0].startTime",
        ),
      ),
    );
    await page.locator('[data-streaming="true"]').waitFor({ state: 'detached' });
  }
  await context.close();

  const commit = readFileSync('.git/HEAD', 'utf8').startsWith('ref:')
    ? readFileSync(path.join('.git', readFileSync('.git/HEAD', 'utf8').slice(5).trim()), 'utf8').trim()
    : readFileSync('.git/HEAD', 'utf8').trim();
  const report = {
    date: new Date().toISOString(),
    commit,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    browser: browser.version(),
    runs,
    initial_js: { scripts: sizes, gzip_bytes: initialGzip, target_bytes: 200 * 1024 },
    navigation_to_interactive_ms: { median: median(interactive), p95: p95(interactive), all: interactive },
    baseline_static_load_ms: { median: median(baseline), all: baseline },
    first_chunk_to_screen_ms: { median: median(toScreen), p95: p95(toScreen), all: toScreen },
    first_chunk_to_dom_commit_ms: { median: median(toCommit), p95: p95(toCommit), all: toCommit },
    baseline_animation_frame_ms: { median: median(frame), all: frame },
  };
  mkdirSync(values.out, { recursive: true });
  writeFileSync(path.join(values.out, 'web.json'), `${JSON.stringify(report, null, 2)}\n`);
  const kb = (bytes: number) => `${round(bytes / 1024)} KB`;
  const markdown = `# Web app benchmark

Command: \`npm run build:web && npm run bench:web -- --runs ${runs}\` · ${report.date} · commit ${commit.slice(0, 10)}
Machine: ${report.machine} (shared, noisy) · headless Chromium ${report.browser} · server and model (stories260K) on the same machine.

| measure | result | target | baseline in the same run | ratio |
|---|---|---|---|---|
| initial JavaScript of the chat screen, gzipped | **${kb(initialGzip)}** (${sizes.length} files) | ≤ 200 KB | — | ${round(initialGzip / (200 * 1024), 2)} of the budget |
| navigation → interactive chat screen, median (p95) | **${round(median(interactive))} ms** (${round(p95(interactive))}) | — | static file load ${round(median(baseline))} ms | ${round(median(interactive) / median(baseline), 2)}× |
| first SSE chunk → text in the DOM (React commit), median (p95) | **${round(median(toCommit))} ms** (${round(p95(toCommit))}) | — | — | — |
| first SSE chunk → text on screen (next frame after the commit), median (p95) | **${round(median(toScreen))} ms** (${round(p95(toScreen))}) | < 50 ms | one animation frame ${round(median(frame))} ms | ${round(median(toScreen) / median(frame), 2)}× |

Scripts loaded before the chat screen was interactive:

| file | raw | gzip |
|---|---|---|
${sizes.map((size) => `| ${size.script} | ${kb(size.raw)} | ${kb(size.gzip)} |`).join('\n')}
`;
  writeFileSync(path.join(values.out, 'web.md'), markdown);
  console.log(markdown);
} finally {
  await browser.close();
  await t.close();
}
