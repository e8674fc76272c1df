/**
 * A page with a stop control that attacks the relay (press-page.page.js), served with a slow AI-like
 * stream so a second-tab-cancel test has a generation to watch, and a count of the clicks its
 * documents report: the ground truth of who pressed, in any tab, including the second tab a test
 * opens and closes again.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface PressServer {
  /** The page's URL. */
  url: string;
  /** The documents whose stop button was clicked, one entry per click, as the pages reported. */
  clicks: string[];
  close(): Promise<void>;
}

export async function startPressServer(): Promise<PressServer> {
  const script = readFileSync(new URL('./press-page.page.js', import.meta.url), 'utf8');
  const clicks: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/clicked')) {
      clicks.push(new URL(req.url, 'http://x').searchParams.get('doc') ?? '');
      res.end();
      return;
    }
    if (req.url?.startsWith('/slow')) {
      // An OpenAI-style stream that goes on until the page stops reading (at most 60 s).
      res.setHeader('content-type', 'text/event-stream');
      let n = 0;
      const timer = setInterval(() => {
        if ((n += 1) > 600) {
          clearInterval(timer);
          res.end('data: [DONE]\n\n');
          return;
        }
        res.write(`data: {"choices":[{"index":0,"delta":{"content":"t${n} "}}]}\n\n`);
      }, 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>press</title><script>${script}</script><body><p>A page with a stop control.</p></body>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/press`,
    clicks,
    close: () =>
      new Promise<void>((r) => {
        // The slow streams of pages still open would hold the server for a minute.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Waits until a click was reported (the second tab reports it as the test presses). */
export async function firstClick(s: PressServer, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (s.clicks.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
