/**
 * Replay: a captured trapped-sse generation served back to the demo page by the hook, without
 * the backend answering, reproduces the same output; with a drop injected, the same failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, assistantText, waitForCapture, type ControlSession } from '../harness/control-session';
import { recordingOf, type ReplayRecording } from '../../src/core/replay/recording';
import { generateTokens } from '../../demo/model';
import { SERVED_DETAIL } from '../../src/core/replay/served';

let s: ControlSession;
let recording: ReplayRecording;
const PROMPT = 'replay me';

beforeAll(async () => {
  s = await startControlSession({ tokensPerSecond: 40, tokens: 40 });
  await s.page.goto(`${s.demo.url}/trapped-sse/`);
  await s.page.getByLabel('Prompt').fill(PROMPT);
  await s.page.getByRole('button', { name: 'Send' }).click();
  await s.page.waitForFunction(() => document.body.dataset.state === 'done');
  const chat = await waitForCapture(s.control, 'the captured generation', (snap) => snap.connections.find((c) => c.summary.url.endsWith('/trapped-sse/api/chat') && c.summary.state === 'ended'));
  recording = recordingOf(chat);
});
afterAll(async () => {
  await s?.close();
});

/** Sends in a page whose seed differs: the live backend would now answer with another text. */
async function sendWithOtherSeed(): Promise<{ state: string; text: string }> {
  await s.page.getByLabel('Prompt').fill(PROMPT);
  await s.page.getByRole('button', { name: 'Send' }).click();
  await s.page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.body.dataset.state ?? ''), null, { timeout: 20_000 });
  return { state: (await s.page.textContent('#status')) ?? '', text: await assistantText(s.page) };
}

describe('replay of a captured stream', () => {
  const original = generateTokens(PROMPT, 1, 40).join('');

  it('the live backend would answer differently here (control)', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/?seed=7`);
    const live = await sendWithOtherSeed();
    expect(live.state).toBe('done');
    expect(live.text).not.toBe(original);
  });

  it('reproduces the captured output from the trace, with its timing', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/?seed=7`);
    await s.control.replay(recording, 1);
    const started = Date.now();
    const replayed = await sendWithOtherSeed();
    expect(replayed).toEqual({ state: 'done', text: original });
    // Original timing: 40 tokens at 40/s took about a second; a burst would take a few ms.
    expect(Date.now() - started).toBeGreaterThan(500);
    // The replayed request is marked in the capture; the live one it came from is not.
    const chats = await waitForCapture(s.control, 'the replayed generation', (snap) => {
      const list = snap.connections.filter((c) => c.summary.url.includes('/trapped-sse/api/chat') && c.summary.state === 'ended');
      return list.some((c) => c.summary.detail !== null) ? list : null;
    });
    expect(chats.map((c) => c.summary.detail).filter((d) => d !== null)).toEqual([SERVED_DETAIL.recording]);
  });

  it('reproduces the failure when a drop is injected at the same point', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/?seed=7`);
    // At the recorded pace (40 tokens in 1 s), not at once: the fault reaches the hook in a
    // message of its own, and one that comes after the 10th chunk still drops the stream while
    // it lives (a trigger counts from the stream's start). At scale 0 the whole answer could be
    // read before the fault arrived.
    await s.control.replay(recording, 1);
    await s.control.armFault({ id: 'replay-drop', kind: 'drop', trigger: { kind: 'after-events', count: 10 }, scope: { kind: 'tab' }, probability: 1, once: true });
    const r = await sendWithOtherSeed();
    expect(r.state).toBe('error: network error');
    expect(original.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeLessThan(original.length);
  });

  it('answers one request only: the next one goes to the network again', async () => {
    await s.page.goto(`${s.demo.url}/trapped-sse/?seed=7`);
    const live = await sendWithOtherSeed();
    expect(live.text).not.toBe(original);
  });
});
