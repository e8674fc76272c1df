/**
 * Mock streams served to a real page in Chromium: a durable run stream answered from a mock
 * that stalls and then drops makes the demo's durable-sse app reconnect with Last-Event-ID to
 * the real backend, which resumes after the mocked events, so the page still ends with the
 * whole answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlSession, assistantText, waitForCapture, type ControlSession } from '../harness/control-session';
import { compileMock, insertStep, keepSteps, templateMock, type Mock } from '../../src/core/mock';
import { generateTokens } from '../../demo/model';
import { SERVED_DETAIL } from '../../src/core/replay/served';

let s: ControlSession;
const TOKENS = 30;

beforeAll(async () => {
  s = await startControlSession({ tokensPerSecond: 30, tokens: TOKENS });
});
afterAll(async () => {
  await s?.close();
});

function ok<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const header = (headers: [string, string][], name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe('a mock served to the page', () => {
  it('a stall then a drop on the durable-sse run stream: the app reconnects with Last-Event-ID and ends with the whole answer', async () => {
    const prompt = 'mock the run stream';
    const answer = generateTokens(prompt, 1, TOKENS).join('');
    // The run stream's first 10 events as the backend would send them (ids 1…10), then 2 s of
    // nothing, then the connection fails.
    const full = ok(templateMock('durable-sse', answer, { url: `${s.demo.url}/durable-sse/api/runs/*/stream`, paceMs: 10 }));
    let mock: Mock = keepSteps(full, 10);
    mock = insertStep(mock, 10, { kind: 'stall', ms: 2000 });
    mock = insertStep(mock, 11, { kind: 'drop', delayMs: 0 });

    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await s.control.replay(compileMock(mock), 1);
    const started = Date.now();
    await s.page.getByLabel('Prompt').fill(prompt);
    await s.page.getByRole('button', { name: 'Send' }).click();
    // The app shows "reconnecting" after the drop: the failure reached it as a network failure.
    await s.page.waitForFunction(() => document.body.dataset.state === 'reconnecting', null, { timeout: 15_000 });
    await s.page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.body.dataset.state ?? ''), null, { timeout: 20_000 });
    expect(await s.page.textContent('#status')).toBe('done');
    expect(await assistantText(s.page)).toBe(answer);
    expect(Date.now() - started).toBeGreaterThan(2000);

    const streams = await waitForCapture(s.control, 'the mocked stream and the resumed one', (snap) => {
      const list = snap.connections.filter((c) => /\/durable-sse\/api\/runs\/[^/]+\/stream$/.test(c.summary.url));
      return list.length >= 2 && list.every((c) => c.summary.state === 'ended') ? list : null;
    });
    const [mocked, resumed] = streams;
    // The mocked stream: the first ten events, a network failure after the stall.
    expect(mocked!.summary.end).toBe('network-error');
    expect(mocked!.summary.endDetail).toContain('TypeError');
    expect(mocked!.events.filter((e) => e.dir === 'in').map((e) => e.text).join('')).toBe(full.steps.slice(0, 10).map((st) => (st.kind === 'event' ? st.data : '')).join(''));
    expect(mocked!.summary.endedAt! - mocked!.summary.startedAt).toBeGreaterThanOrEqual(2000);
    expect(header(mocked!.summary.requestHeaders, 'last-event-id')).toBeUndefined();
    // The capture says which one the mock served (the HAR and trace keep this detail).
    expect([mocked!.summary.detail, resumed!.summary.detail]).toEqual([SERVED_DETAIL.mock, null]);
    // The reconnect asked the real backend for what came after the last mocked id.
    expect(header(resumed!.summary.requestHeaders, 'last-event-id')).toBe('10');
    expect(resumed!.summary.end).toBe('clean');
    expect(resumed!.events.map((e) => e.text ?? '').join('')).toContain('id: 11\n');
  });

  it('answers one request only: the next run stream goes to the backend', async () => {
    const prompt = 'after the mock';
    await s.page.goto(`${s.demo.url}/durable-sse/`);
    await s.page.getByLabel('Prompt').fill(prompt);
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.body.dataset.state ?? ''), null, { timeout: 20_000 });
    expect(await assistantText(s.page)).toBe(generateTokens(prompt, 1, TOKENS).join(''));
  });

  it('a template answers a request the backend would answer otherwise, with its own text', async () => {
    const mocked = 'This answer never left a server.';
    const mock = ok(templateMock('openai-chat', mocked, { url: `${s.demo.url}/trapped-sse/api/chat`, paceMs: 5 }));
    await s.page.goto(`${s.demo.url}/trapped-sse/`);
    await s.control.replay(compileMock(mock), 1);
    await s.page.getByLabel('Prompt').fill('anything');
    await s.page.getByRole('button', { name: 'Send' }).click();
    await s.page.waitForFunction(() => ['done', 'error', 'stopped'].includes(document.body.dataset.state ?? ''), null, { timeout: 20_000 });
    expect(await s.page.textContent('#status')).toBe('done');
    expect(await assistantText(s.page)).toBe(mocked);
  });
});
