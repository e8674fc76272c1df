/**
 * The demo app's durable modes keep the answer through a drop, show it live in a second tab
 * and stop it from there; its trapped modes do none of it, and the verdicts say why.
 * The send and stop code is the spec's own, as it would be for your app.
 */
import { test, expect, type SendFn, type StopFn } from 'durable-sessions-inspector/playwright';

const send: SendFn = async (page) => {
  await page.getByLabel('Prompt').fill('hello');
  await page.getByRole('button', { name: 'Send' }).click();
};

// Tab B's app takes a moment to join the run; a Stop that stays disabled there is the finding
// (resolve false), not an error.
const stop: StopFn = async (pageB) => {
  const button = pageB.getByRole('button', { name: 'Stop' });
  try {
    await expect(button).toBeEnabled({ timeout: 5000 });
  } catch {
    return false;
  }
  await button.click();
};

const url = (mode: string): string => `${process.env.DEMO_URL}/${mode}/`;
// Stop has to land while the answer still streams: a 10-second answer (?tokens=) leaves time
// for tab B to load and join, and a stop that works ends it early.
const longAnswer = (mode: string): string => `${url(mode)}?tokens=300`;

for (const mode of ['durable-sse', 'durable-ws']) {
  test(`${mode}: the answer survives a drop, shows in a second tab and stops from it`, async ({ page, durable }) => {
    await page.goto(url(mode));
    expect(await durable.reconnectResume(page, { send })).toPass();

    await page.goto(url(mode));
    expect(await durable.multiSurface(page, { send })).toPass();

    await page.goto(longAnswer(mode));
    expect(await durable.secondTabCancel(page, { send, stop })).toPass();
  });
}

for (const mode of ['trapped-sse', 'trapped-ws']) {
  test(`${mode}: the Single-Connection Trap, with the reasons`, async ({ page, durable }) => {
    // The app never reconnects: 4 s of waiting for it is enough.
    await page.goto(url(mode));
    const reconnect = await durable.reconnectResume(page, { send, timeoutMs: 4000 });
    expect(reconnect).not.toPass();
    expect(reconnect).toHaveVerdict('fail', /did not reconnect within 4 s after the stream dropped/);

    await page.goto(url(mode));
    expect(await durable.multiSurface(page, { send })).toHaveVerdict('fail', /received no stream of the in-flight answer/);

    await page.goto(longAnswer(mode));
    expect(await durable.secondTabCancel(page, { send, stop })).toHaveVerdict('fail', /disabled there/);
  });
}

test('capture and fault: the session so far, and a drop of your own', async ({ page, durable }) => {
  await page.goto(url('trapped-sse'));
  // Drop the stream after its 5th event, then read what the page had received.
  await durable.fault(page, { kind: 'drop', trigger: { kind: 'after-events', count: 5 } });
  await send(page);
  await expect(page.locator('#status')).toHaveText(/error/);
  const session = await durable.capture(page);
  const chat = session.connections.find((c) => c.aiStream);
  expect(chat?.transport).toBe('fetch-SSE');
  expect(chat?.faults.map((f) => f.kind)).toEqual(['drop']);
  expect(chat?.endInjected).toBe(true);
  expect(session.messages[0]?.text.length).toBeGreaterThan(0);
  expect(session.messages[0]?.finished).toBe(false);
  expect(session.timing.firstEventMs).not.toBeNull();
});
