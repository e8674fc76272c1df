/**
 * A real library: a chat page on the official `openai` client, Responses API in background
 * mode. It resumes from the last sequence number after a drop, a second tab retrieves the same
 * response live, and Stop there cancels it at the source: all three tests pass.
 */
import { test, expect, type SendFn } from 'durable-sessions-inspector/playwright';

const send: SendFn = async (page) => {
  await page.getByPlaceholder('Ask anything').fill('How does a streamed chat completion reach the page?');
  await page.keyboard.press('Enter');
};

test('openai Responses in background mode passes all three tests', async ({ page, durable }) => {
  const url = process.env.ZOO_OPENAI_URL!;
  await page.goto(url);
  expect(await durable.reconnectResume(page, { send })).toPass();

  await page.goto(url);
  expect(await durable.multiSurface(page, { send })).toPass();

  await page.goto(url);
  // The app's Stop is an icon button; the spec names it as a user would find it.
  expect(await durable.secondTabCancel(page, { send, stop: (pageB) => pageB.getByRole('button', { name: 'Stop generating' }).click() })).toPass();
});
