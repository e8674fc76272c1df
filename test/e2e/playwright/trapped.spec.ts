/** Expects the trapped demo mode to survive a drop: it cannot, and the failure must say why. */
import { test, expect } from 'durable-sessions-inspector/playwright';

test('trapped-sse keeps its answer through a drop', async ({ page, durable }) => {
  await page.goto(`${process.env.DEMO_URL}/trapped-sse/`);
  const verdict = await durable.reconnectResume(page, {
    send: async (p) => {
      await p.getByLabel('Prompt').fill('hello');
      await p.keyboard.press('Enter');
    },
    timeoutMs: 3000,
  });
  expect(verdict).toPass();
});
