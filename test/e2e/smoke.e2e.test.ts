import { expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/test-app.js';
import { openApp, screenshot, signIn } from './browser.js';
import { browserSuite } from './suite.js';

const suite = browserSuite();

it('serves the app with a strict CSP and signs in', async () => {
  const { page, watch, context } = await openApp(suite.browser, suite.t.url);
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain('Administrator');
  await screenshot(page, 'smoke');
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.outsideRequests()).toEqual([]);
  await context.close();
});
