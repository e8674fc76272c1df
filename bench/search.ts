/**
 * Search across streams (`src/core/search/streams.ts`, what the panel's Ctrl/Cmd+Shift+F
 * drawer runs on every keystroke) over 100,000 events, in Node: one WebSocket connection of
 * 90,000 frames of the demo's bench payload (`{"i":i,"p":"xxx…"}`, 100 bytes) and one OpenAI
 * chat stream of 10,000 token chunks (searched as raw chunks and as its reassembled answer).
 * Frames and the answer are computed first, as the panel memoizes them; the figure is the
 * search itself: a warm-up, then `reps` timed runs per query (wall time, performance.now()).
 */
import { analyzeConnection } from '../src/core/analysis';
import { framesOf } from '../src/core/parse/frames';
import { searchStreams, type SearchableConnection } from '../src/core/search/streams';
import { applyRecord, type TabCapture } from '../src/core/trace/model';
import type { CaptureRecord } from '../src/core/trace/records';
import { payload } from '../demo/modes/bench';
import { summarize, type Summary } from './lib/stats';

export interface SearchBenchResult {
  events: number;
  reps: number;
  queries: Record<string, { ms: Summary; total: number; regex: boolean }>;
}

const WORDS = ['durable', ' sessions', ' keep', ' the', ' answer', ' alive', ' when', ' the', ' network', ' drops'];

function capture(wsFrames: number, chatTokens: number): TabCapture {
  const tab: TabCapture = new Map();
  const recs: CaptureRecord[] = [
    { type: 'open', conn: 'ws', time: 0, kind: 'websocket', url: 'ws://bench.test/bench/ws', method: 'GET', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null },
    { type: 'open', conn: 'chat', time: 0, kind: 'fetch', url: 'https://bench.test/v1/chat/completions', method: 'POST', requestHeaders: [], requestBodySize: null, requestBodyPreview: null, detail: null },
    { type: 'response', conn: 'chat', time: 1, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
  ];
  for (let i = 1; i <= wsFrames; i++) {
    const text = payload(i, 100);
    recs.push({ type: 'data', conn: 'ws', time: i, dir: 'in', text, base64: null, size: text.length, event: null, id: null });
  }
  for (let i = 0; i < chatTokens; i++) {
    const text = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: WORDS[i % WORDS.length] }, finish_reason: null }] })}\n\n`;
    recs.push({ type: 'data', conn: 'chat', time: i, dir: 'in', text, base64: null, size: text.length, event: null, id: null });
  }
  for (const r of recs) applyRecord(tab, 'doc', r);
  return tab;
}

export async function runSearch(opts: { events: number; reps: number; log(s: string): void }): Promise<SearchBenchResult> {
  const chatTokens = Math.round(opts.events / 10);
  const tab = capture(opts.events - chatTokens, chatTokens);
  const conns: SearchableConnection[] = [...tab.values()].map((c) => ({ id: c.summary.id, events: c.events, frames: framesOf(c), messages: analyzeConnection(c).output.messages }));
  const queries: Array<[string, boolean]> = [
    ['xxxxxxxxxx', false],
    ['"i":77777,', false],
    ['no-such-text', false],
    ['"i":7{5},', true],
    ['answer alive when', false],
  ];
  const out: SearchBenchResult['queries'] = {};
  for (const [q, regex] of queries) {
    searchStreams(conns, q, { regex });
    const times: number[] = [];
    let total = 0;
    for (let r = 0; r < opts.reps; r++) {
      const t0 = performance.now();
      total = searchStreams(conns, q, { regex }).total;
      times.push(performance.now() - t0);
    }
    out[`${regex ? 'regex ' : ''}${JSON.stringify(q)}`] = { ms: summarize(times), total, regex };
    opts.log(`  search ${regex ? 'regex ' : ''}${JSON.stringify(q)}: ${summarize(times).median.toFixed(1)} ms median of ${opts.reps}, ${total} matches`);
  }
  return { events: opts.events, reps: opts.reps, queries: out };
}
