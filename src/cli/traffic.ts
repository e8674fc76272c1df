/**
 * What the page sends: HTTP requests (fetch, XHR, EventSource, form posts), WebSockets and the
 * messages it writes to them. Seen through Playwright's own events in the CLI process, so the
 * page cannot notice. A send attempt counts only when such traffic follows it.
 */
import type { Frame, Page, Request, WebSocket } from 'playwright-core';

export interface Traffic {
  seq: number;
  /** What identifies repeats (polling, heartbeats): method and URL, or socket and payload. */
  key: string;
  /** For the progress line: `POST /api/chat`, `WebSocket message to /ws`. */
  what: string;
  /** URL, body or payload: where a prompt would be. */
  text(): string;
}

const STATIC_TYPES = new Set(['image', 'stylesheet', 'font', 'script', 'media', 'manifest', 'texttrack', 'ping', 'prefetch', 'cspviolationreport', 'signedexchange']);
const STATIC_PATH = /\.(png|jpe?g|gif|webp|avif|svg|ico|css|m?js|map|woff2?|ttf|otf|eot|mp4|webm|mp3|wav)$/i;

/** Static assets, beacons, and anything not on the web (our extension's pages, data: and blob: URLs). */
export function ignoredRequest(resourceType: string, url: string): boolean {
  if (STATIC_TYPES.has(resourceType) || !/^(https?|wss?):/i.test(url)) return true;
  try {
    return STATIC_PATH.test(new URL(url).pathname);
  } catch {
    return true;
  }
}

/** Whether a URL, body or socket message holds the prompt: raw, JSON-escaped or URL-encoded. */
export function carriesPrompt(text: string, prompt: string): boolean {
  const p = prompt.trim();
  if (!p) return false;
  if (text.includes(p) || text.includes(JSON.stringify(p).slice(1, -1))) return true;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' ')).includes(p);
  } catch {
    return false;
  }
}

/** A send shows as traffic that carries the prompt, or that this page load had not sent before the attempts began. */
export function looksLikeSend(t: Pick<Traffic, 'key' | 'text'>, baseline: ReadonlySet<string>, prompt: string): boolean {
  return !baseline.has(t.key) || carriesPrompt(t.text(), prompt);
}

const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

export class TrafficWatch {
  private list: Traffic[] = [];
  private seq = 0;
  /** The last seq before the current page load: what came earlier is another page's. */
  private loadSeq = 0;
  private stopped = false;
  private readonly wake = new Set<() => void>();

  private readonly onRequest = (r: Request): void => {
    if (ignoredRequest(r.resourceType(), r.url())) return;
    const url = r.url().split('#')[0]!;
    this.push(`${r.method()} ${url.split('?')[0]}`, `${r.method()} ${pathOf(url)}`, () => `${url}\n${r.postData() ?? ''}`);
  };
  private readonly onSocket = (ws: WebSocket): void => {
    const url = ws.url();
    if (!/^wss?:/i.test(url)) return;
    this.push(`socket ${url}`, `WebSocket ${pathOf(url)}`, () => url);
    ws.on('framesent', ({ payload }) => {
      const text = (typeof payload === 'string' ? payload : payload.toString('utf8')).slice(0, 1 << 16);
      this.push(`frame ${url} ${text.slice(0, 200)}`, `WebSocket message to ${pathOf(url)}`, () => text);
    });
  };
  private readonly onNavigated = (frame: Frame): void => {
    if (frame === this.page.mainFrame()) this.loadSeq = this.seq;
  };

  /** Attach before the app's page loads: a socket it opens at load is seen only from its start. */
  constructor(private readonly page: Page) {
    page.on('request', this.onRequest);
    page.on('websocket', this.onSocket);
    page.on('framenavigated', this.onNavigated);
  }

  /** A request answered inside the page (a mock the hook serves), which Playwright does not see. */
  served(method: string, url: string, body: string): void {
    const u = url.split('#')[0]!;
    this.push(`${method} ${u.split('?')[0]}`, `${method} ${pathOf(u)} (mocked)`, () => `${u}\n${body}`);
  }

  private push(key: string, what: string, text: () => string): void {
    if (this.stopped) return;
    this.list.push({ seq: ++this.seq, key, what, text });
    for (const w of [...this.wake]) w();
  }

  /** Keys of what this page load has sent so far (polling, heartbeats, subscriptions): not a send. */
  baseline(): Set<string> {
    this.list = this.list.filter((t) => t.seq > this.loadSeq);
    return new Set(this.list.map((t) => t.key));
  }

  /** A point to look for traffic after. */
  mark(): number {
    return this.seq;
  }

  /** The first traffic after `mark` that `ok` accepts, waiting up to `ms`; null when none came. */
  next(mark: number, ms: number, ok: (t: Traffic) => boolean): Promise<Traffic | null> {
    const find = (): Traffic | null => this.list.find((t) => t.seq > mark && ok(t)) ?? null;
    const now = find();
    if (now || ms <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = (): void => {
        const t = find();
        if (t) done(t);
      };
      const done = (t: Traffic | null): void => {
        clearTimeout(timer);
        this.wake.delete(check);
        resolve(t);
      };
      const timer = setTimeout(() => done(null), ms);
      this.wake.add(check);
    });
  }

  stop(): void {
    this.stopped = true;
    this.page.off('request', this.onRequest);
    this.page.off('websocket', this.onSocket);
    this.page.off('framenavigated', this.onNavigated);
  }
}
