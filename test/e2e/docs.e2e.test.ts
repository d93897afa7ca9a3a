import { expect, it } from 'vitest';
import path from 'node:path';
import { ARTIFACTS, openApp, screenshot } from './browser.js';
import { browserSuite } from './suite.js';

const suite = browserSuite({ model: false });

it('renders Swagger UI at /docs under its CSP, with no violation and nothing fetched from outside', async () => {
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportViolation(text: string): void }).reportViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
  const response = await page.goto('/docs/');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  // The spec was fetched and drawn: the title and an operation from it are on the page.
  await expect
    .poll(() => page.locator('.swagger-ui .info .title').textContent())
    .toContain('PrivateStack API');
  await expect.poll(() => page.locator('.opblock-summary-path').count()).toBeGreaterThan(20);
  // "Try it out" on GET /health: Swagger UI calls the API from the page (connect-src) and shows the answer.
  const health = page
    .locator('.opblock')
    .filter({ has: page.locator('.opblock-summary-path[data-path="/health"]') });
  await health.locator('.opblock-summary').click();
  await health.locator('button.try-out__btn').click();
  await health.locator('button.execute').click();
  await expect
    .poll(() =>
      health.locator('.live-responses-table tr.response .response-col_status').first().textContent(),
    )
    .toContain('200');
  expect(violations).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
  await context.close();
});

it('reads as a reference: summaries, both ways to sign in, the event stream of a chat answer', async () => {
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  await page.goto('/docs/');
  const summaries = page.locator('.opblock-summary-description');
  await expect.poll(() => summaries.count()).toBeGreaterThanOrEqual(60);
  // Every operation line says what it does, not only its path.
  expect((await summaries.allTextContents()).filter((text) => text.trim() === '')).toEqual([]);
  expect(await summaries.allTextContents()).toEqual(
    expect.arrayContaining(['Log in', 'Stream a chat answer (SSE)']),
  );
  await screenshot(page, 'docs-overview');

  // Authorize offers the two schemes a client can use: a Bearer token and an X-API-Key header.
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await expect
    .poll(() => dialog.locator('.auth-container h4').allTextContents())
    .toEqual([expect.stringContaining('bearerAuth'), expect.stringContaining('apiKeyHeader')]);
  expect(await dialog.textContent()).toContain('X-API-Key');
  await dialog.screenshot({ path: path.join(ARTIFACTS, 'docs-authorize.png') });
  await dialog.locator('button.close-modal').click();

  // The streaming answer documents its 200: text/event-stream and the events it carries.
  const stream = page
    .locator('.opblock')
    .filter({ has: page.locator('.opblock-summary-path[data-path="/api/v1/chat/stream"]') });
  await stream.locator('.opblock-summary').click();
  const ok = stream.locator('.responses-table tr.response[data-code="200"]');
  await expect.poll(() => ok.textContent()).toContain('user_message');
  expect(await stream.locator('.responses-wrapper').textContent()).toContain('text/event-stream');
  expect(await stream.locator('.opblock-description-wrapper').first().textContent()).toContain(
    'chat.generate',
  );
  await stream.screenshot({ path: path.join(ARTIFACTS, 'docs-chat-stream.png') });
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  await context.close();
});

it('cannot be framed by another page', async () => {
  const { page, context } = await openApp(suite.browser, suite.t.url);
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (/frame-ancestors|X-Frame-Options/i.test(message.text())) blocked.push(message.text());
  });
  await page.setContent(`<iframe src="${suite.t.url}/docs/" width="800" height="600"></iframe>`);
  await expect.poll(() => blocked.length).toBeGreaterThan(0);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  expect(
    await frame
      ?.locator('.swagger-ui')
      .count()
      .catch(() => 0),
  ).toBe(0);
  await context.close();
});
