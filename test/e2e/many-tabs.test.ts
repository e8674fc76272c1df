/**
 * Ten tabs streaming 100 events a second each for a minute: every answer is captured whole,
 * and the background's memory stays bounded (its heap is sampled through CDP and printed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startControlSession, type ControlSession } from '../harness/control-session';
import { openControl, tabIdOf } from '../../src/cli/control';
import { generateTokens } from '../../demo/model';
import { analyzeConnection, answerText } from '../../src/core/analysis';

const TABS = 10;
const TPS = 100;
const SECONDS = 60;

let s: ControlSession;

beforeAll(async () => {
  s = await startControlSession();
});
afterAll(async () => {
  await s?.close();
});

async function workerHeapMb(): Promise<number> {
  const worker = (await s.browser.cdp.targets()).find((t) => t.type === 'service_worker');
  if (!worker) throw new Error('no service worker');
  const session = await s.browser.cdp.attach(worker.targetId);
  await s.browser.cdp.send('HeapProfiler.collectGarbage', {}, session).catch(() => undefined);
  const { usedSize } = await s.browser.cdp.send<{ usedSize: number }>('Runtime.getHeapUsage', {}, session);
  await s.browser.cdp.send('Target.detachFromTarget', { sessionId: session }).catch(() => undefined);
  return usedSize / 1024 / 1024;
}

describe('many tabs streaming at once', () => {
  it(`${TABS} tabs × ${TPS} events/s for ${SECONDS} s: nothing lost, memory bounded`, { timeout: (SECONDS + 240) * 1000 }, async () => {
    // Record the demo origin from page load, so the tabs record with no panel open.
    const origin = `${s.demo.url}/`;
    await s.page.goto(origin);
    await s.control.setRecordOnLoad(true);
    const pages: Page[] = [];
    const prompts: string[] = [];
    for (let i = 0; i < TABS; i++) {
      const page = await s.browser.context.newPage();
      await page.goto(`${s.demo.url}/trapped-sse/?tab=${i}`);
      pages.push(page);
    }
    const heap: number[] = [await workerHeapMb()];
    // Each tab reads its stream in script (the demo's chat UI re-lays out its whole log on every
    // token, which at this rate measures the demo, not the extension).
    const done = pages.map((page, i) => {
      prompts.push(`tab ${i} streams`);
      return page.evaluate(
        async ({ prompt, tps, tokens }) => {
          const res = await fetch('/trapped-sse/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt, tps, tokens }) });
          const reader = res.body!.getReader();
          for (;;) if ((await reader.read()).done) return true;
        },
        { prompt: prompts[i]!, tps: TPS, tokens: TPS * SECONDS },
      );
    });
    const started = Date.now();
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 15_000));
      heap.push(await workerHeapMb());
    }
    await Promise.all(done);
    heap.push(await workerHeapMb());
    console.log(`service-worker heap (MB) at 0, 15, 30, 45, 60 s and after: ${heap.map((h) => h.toFixed(1)).join(', ')}`);

    for (const [i, page] of pages.entries()) {
      const control = await openControl(s.browser.context, s.browser.extensionId!);
      await control.attach(await tabIdOf(control, page.url()));
      const snap = await control.snapshot();
      const chat = snap.connections.find((c) => c.summary.url.endsWith('/trapped-sse/api/chat'))!;
      expect(answerText(analyzeConnection(chat)), `tab ${i}`).toBe(generateTokens(prompts[i]!, 1, TPS * SECONDS).join(''));
      expect(snap.signals.map((x) => x.signal)).not.toContain('capture-lost');
      await control.close();
    }
    // 60,000 events of ~150 bytes held for the panels and queued for storage: well under 200 MB,
    // and no runaway growth in the last half minute of streaming.
    expect(Math.max(...heap)).toBeLessThan(200);
  });
});
