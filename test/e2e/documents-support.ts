// Shared steps of the documents screen's browser tests.
import type { Page } from 'playwright-core';
import { signIn } from './browser.js';

/** The password test-app's createUser gives every user. */
export const PASSWORD = 'user password 123';

/** A document's row (or card) in the documents list. */
export const row = (page: Page, name: string) => page.getByTestId('document-row').filter({ hasText: name });

/** Signs in and opens the documents screen through the navigation. */
export async function openDocuments(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await signIn(page, email, PASSWORD);
  await page.getByRole('link', { name: 'Documents' }).click();
  await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor();
}
