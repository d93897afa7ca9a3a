import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where screenshots land (a CI artifact folder, ignored by git). */
export const ARTIFACTS = path.resolve('artifacts/screenshots');

/** Debian's Chromium, headless, with the background services that would call out switched off. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** What a page did that a test may assert on: console errors, uncaught errors, every request. */
export interface PageWatch {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly requests: string[];
  /** Requests to any host other than the app's own. */
  outsideRequests(): string[];
}

/** A fresh browser profile (no cookies) with a page on the app, watched. */
export async function openApp(
  browser: Browser,
  baseUrl: string,
  options: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  const origin = new URL(baseUrl).origin;
  const watch: PageWatch = {
    consoleErrors: [],
    pageErrors: [],
    requests: [],
    outsideRequests: () =>
      watch.requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:')),
  };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.pageErrors.push(error.message));
  context.on('request', (request) => watch.requests.push(request.url()));
  return { context, page, watch };
}

/**
 * Slows this page's uploads to `bytesPerSecond` (Chromium's network emulation), to act mid-upload;
 * returns the function that lifts the limit.
 */
export async function throttleUploads(
  context: BrowserContext,
  page: Page,
  bytesPerSecond: number,
): Promise<() => Promise<void>> {
  const cdp = await context.newCDPSession(page);
  const limit = (uploadThroughput: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput,
    });
  await cdp.send('Network.enable');
  await limit(bytesPerSecond);
  return async () => {
    await limit(-1);
  };
}

/** Signs in through the login form. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel(/username|nama pengguna/i).fill(login);
  await page.getByLabel(/^(password|kata sandi)$/i).fill(password);
  await page.getByRole('button', { name: /^(sign in|masuk)$/i }).click();
}

/**
 * Saves a screenshot of the whole page as a test artifact and returns its path. The app scrolls inside
 * its main area, so the window is grown to the content's height for the shot, then restored.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  const viewport = page.viewportSize();
  const height = Number(
    await page.evaluate(
      "Math.max(document.querySelector('.content')?.scrollHeight ?? 0, document.documentElement.scrollHeight)",
    ),
  );
  if (viewport && height > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: Math.min(height, 4000) });
  }
  await page.screenshot({ path: file, fullPage: true });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
  return file;
}
