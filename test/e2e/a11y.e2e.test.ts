import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/test-app.js';
import { openApp, signIn } from './browser.js';
import { browserSuite } from './suite.js';

const suite = browserSuite();

const SCREENS = [
  '/chat',
  '/documents',
  '/settings',
  '/admin',
  '/admin/users',
  '/admin/models',
  '/admin/prompts',
];
const ROLES =
  'button|link|textbox|combobox|checkbox|radio|searchbox|spinbutton|slider|switch|tab|menuitem|listbox';
// In Playwright's ARIA snapshot a control without an accessible name is written without a quoted name.
const UNNAMED = new RegExp(`^\\s*- (${ROLES})(\\s*$|\\s*\\[|:)`);

async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot.split('\n').filter((line) => UNNAMED.test(line));
}

async function openScreen(page: Page, path: string): Promise<void> {
  await page.evaluate(`history.pushState(null, '', '${path}'); dispatchEvent(new PopStateEvent('popstate'))`);
  await page.waitForLoadState('networkidle');
  await page.locator('main .state-loading').first().waitFor({ state: 'detached' });
}

it('gives every control on every main screen an accessible name, on a desktop and on a phone', async () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    const { page, watch, context } = await openApp(suite.browser, suite.t.url, { viewport });
    await page.goto('/');
    expect(await unnamedControls(page), 'sign-in page').toEqual([]);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    for (const path of SCREENS) {
      await openScreen(page, path);
      expect(await unnamedControls(page), `${path} at ${viewport.width}px`).toEqual([]);
    }
    if (viewport.width < 500) {
      await page.getByRole('button', { name: 'Open menu' }).click();
      expect(await unnamedControls(page), 'phone menu').toEqual([]);
    }
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    await context.close();
  }
});

it('reaches the chat controls with the keyboard alone, each focused control named', async () => {
  const { page, context } = await openApp(suite.browser, suite.t.url);
  await page.goto('/');
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.waitFor();
  await page.locator('body').focus();
  const visited: string[] = [];
  for (let step = 0; step < 40; step++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ tag: string; name: string }>(`(() => {
      const element = document.activeElement;
      const labelled = element.getAttribute('aria-labelledby');
      const name =
        element.getAttribute('aria-label') ||
        (labelled && document.getElementById(labelled)?.textContent) ||
        (element.labels && element.labels[0]?.textContent) ||
        element.getAttribute('placeholder') ||
        element.textContent ||
        '';
      return { tag: element.tagName.toLowerCase(), name: name.trim() };
    })()`);
    expect(focused.name, `focus stop ${step} (${focused.tag})`).not.toBe('');
    visited.push(focused.name);
    if (await composer.evaluate((element) => element === document.activeElement)) break;
  }
  expect(visited).toContain('Skip to content');
  expect(visited).toContain('New chat');
  expect(await composer.evaluate((element) => element === document.activeElement)).toBe(true);
  await page.keyboard.type('Once upon a time');
  await page.keyboard.press('Enter');
  await page.locator('li[data-role="assistant"]').first().waitFor();
  await context.close();
});
