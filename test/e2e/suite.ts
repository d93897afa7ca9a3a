import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';
import { launchBrowser } from './browser.js';

/** What a browser test file shares: the real server (listening) and one Chromium. */
export interface BrowserSuite {
  readonly t: TestApp;
  readonly browser: Browser;
}

/**
 * Starts the real server and Chromium before the file's tests and closes both after them; read
 * `suite.t` and `suite.browser` inside the tests.
 */
export function browserSuite(options: Omit<TestAppOptions, 'listen'> = {}): BrowserSuite {
  const suite = {} as { t: TestApp; browser: Browser };
  beforeAll(async () => {
    suite.t = await startTestApp({ ...options, listen: true });
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}
