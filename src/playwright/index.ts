/**
 * `durable-sessions-inspector/playwright`: the three Durable Sessions validation tests inside
 * your own Playwright specs.
 *
 *   import { test, expect } from 'durable-sessions-inspector/playwright';
 *   test('answers survive a drop', async ({ page, durable }) => {
 *     await page.goto('/');
 *     const verdict = await durable.reconnectResume(page, { send: (p) => p.getByLabel('Prompt').fill('hi').then(() => p.keyboard.press('Enter')) });
 *     expect(verdict).toPass();
 *   });
 */
export { test, expect } from './fixture.js';
export type * from './types.js';
