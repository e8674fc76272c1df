/**
 * Zero-config driving: `durable-sessions check <url> --prompt P`, run as a user would, against
 * composers real apps have. Ground truth is this server's own record of what reached it, not
 * the CLI's word; a composer that cannot be driven must say so within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CheckReport } from '../../src/cli/report';

const BIN = resolve(import.meta.dirname, '../../bin/durable-sessions.mjs');

/** The page's fetch-and-read of a plain SSE stream, shared by the pages. */
const CHAT = `<div id="log" role="log"></div>
<script>
async function chat(page, prompt) {
  const res = await fetch('/api/chat?page=' + page, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt }) });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    document.getElementById('log').textContent += decoder.decode(value);
  }
}
</script>`;

const PAGES: Record<string, string> = {
  // Enter in a textarea adds a line; only the form's Send button submits.
  a: `<form id="f"><textarea name="q" placeholder="Message"></textarea><button type="submit">Send</button></form>
<script>f.addEventListener('submit', (e) => { e.preventDefault(); chat('a', f.q.value); f.q.value = ''; });</script>`,
  // Enter submits; a search box above would send elsewhere if it were taken for the composer.
  b: `<header><input type="search" id="s" placeholder="Search docs"></header><main style="height: 50vh"></main>
<input id="q" type="text" placeholder="Ask anything" style="width: 80%">
<script>
s.addEventListener('keydown', (e) => { if (e.key === 'Enter') fetch('/api/search?q=' + encodeURIComponent(s.value)); });
q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { chat('b', q.value); q.value = ''; } });
</script>`,
  // Icon-only buttons named by aria-label; Attach must not be taken for Send.
  c: `<div class="composer"><button type="button" id="attach" aria-label="Attach file"><svg aria-hidden="true" width="16" height="16"><rect width="16" height="16"/></svg></button>
<textarea id="q" placeholder="Type a message"></textarea>
<button type="button" id="go" aria-label="Send message"><svg aria-hidden="true" width="16" height="16"><path d="M0 0L16 8L0 16z"/></svg></button></div>
<script>
attach.addEventListener('click', () => fetch('/api/attach', { method: 'POST' }));
go.addEventListener('click', () => { chat('c', q.value); q.value = ''; });
</script>`,
  // A rich-text editor: a contenteditable div and an Ask button.
  d: `<div id="ed" contenteditable="true" role="textbox" aria-label="Prompt" style="min-height: 3em; border: 1px solid"></div><button id="ask">Ask</button>
<script>ask.addEventListener('click', () => { chat('d', ed.innerText.trim()); ed.textContent = ''; });</script>`,
  // Enter in the textarea adds a line, and the page's first key press opens its presence
  // connection: traffic right after Enter that is not the send (as a socket finishing its start is).
  h: `<form id="f"><textarea name="q" placeholder="Message"></textarea><button type="submit">Send</button></form>
<script>
let present = false;
f.q.addEventListener('keydown', () => { if (!present) { present = true; fetch('/presence?page=h', { method: 'POST' }); } });
f.addEventListener('submit', (e) => { e.preventDefault(); chat('h', f.q.value); f.q.value = ''; });
</script>`,
  // Nothing sends: a Send button without a handler, and no form.
  e: `<textarea placeholder="Message"></textarea><button type="button">Send</button>`,
  // A form whose Send stays disabled and whose submit goes nowhere.
  f: `<form onsubmit="return false"><textarea placeholder="Message"></textarea><button type="submit" disabled>Send</button></form>`,
  // No input at all.
  g: `<p>Nothing to type into here.</p>`,
};

const chats: Array<{ page: string; prompt: string }> = [];
const elsewhere: string[] = [];
/** Pages that opened their presence connection. */
const presence: string[] = [];
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/api/chat') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        chats.push({ page: url.searchParams.get('page') ?? '', prompt: (JSON.parse(body) as { prompt: string }).prompt });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        let i = 0;
        const timer = setInterval(() => {
          res.write(`data: {"text":"token ${i} "}\n\n`);
          if (++i === 40) {
            clearInterval(timer);
            res.end('data: [DONE]\n\n');
          }
        }, 50);
        res.on('close', () => clearInterval(timer));
      });
      return;
    }
    const page = /^\/(\w)\/$/.exec(url.pathname)?.[1];
    if (page && PAGES[page]) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><meta charset="utf-8"><title>composer ${page}</title><body>${CHAT}${PAGES[page]}</body>`);
      return;
    }
    if (url.pathname === '/presence') presence.push(url.searchParams.get('page') ?? '');
    if (url.pathname.startsWith('/api/')) elsewhere.push(`${req.method} ${url.pathname}`);
    res.writeHead(url.pathname.startsWith('/api/') ? 204 : 404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  server?.closeAllConnections();
});

type Run = { code: number | null; report: CheckReport | null; output: string };

/**
 * `durable-sessions check <url> --prompt P --only reconnect-resume --json FILE`, as a user runs it
 * (like test/zoo/check.ts), but stopped after 60 s so that a hang shows the progress it reached.
 */
function run(page: string, prompt: string, extra: string[] = []): Promise<Run> {
  const json = join(mkdtempSync(join(tmpdir(), 'dsi-driving-')), 'report.json');
  const args = ['check', `${base}/${page}/`, '--prompt', prompt, '--only', 'reconnect-resume', '--timeout', '2', '--json', json, ...extra];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += '\n[killed after 60 s]';
      child.kill('SIGTERM'); // Playwright closes its browser on SIGTERM
    }, 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, report: existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as CheckReport) : null, output });
    });
  });
}

describe('the CLI finds the composer and sends the prompt', () => {
  const cases: Array<[page: string, what: string, via: string]> = [
    ['a', 'form + textarea + Send button (Enter does not submit)', 'button “Send”'],
    ['b', 'an input where Enter submits, below a search box', 'input “Ask anything” + Enter'],
    ['c', 'an icon-only button with aria-label="Send message"', 'button “Send message”'],
    ['d', 'a contenteditable div and an Ask button', 'button “Ask”'],
    ['h', 'the page\'s own request right after Enter, without the prompt, is not the send', 'button “Send”'],
  ];
  for (const [page, what, via] of cases) {
    it(`${page}: ${what}`, async () => {
      const prompt = `Explain durable sessions (${page})`;
      const r = await run(page, prompt);
      // Exactly once, with exactly the prompt (no line an earlier Enter added), and nothing else sent.
      expect(chats.filter((c) => c.page === page), r.output).toEqual([{ page, prompt }]);
      expect(elsewhere, r.output).toEqual([]);
      expect(r.output).toContain(`reconnect-resume: sent with ${via} (POST /api/chat)`);
      expect(r.report?.tests[0]?.reason ?? '', r.output).not.toMatch(/not sent|No generation was streaming/);
      if (page === 'h') expect(presence, 'the presence request went out after Enter').toEqual(['h']);
    });
  }

  it('--input and --send name the controls', async () => {
    const prompt = 'Explain durable sessions (overrides)';
    const r = await run('a', prompt, ['--input', 'textarea[name=q]', '--send', 'form button']);
    expect(chats.filter((c) => c.prompt === prompt), r.output).toEqual([{ page: 'a', prompt }]);
    expect(r.output).toContain('reconnect-resume: sent with --send form button (POST /api/chat)');
  });
});

describe('a composer that cannot be driven: INCONCLUSIVE, with what was tried, in seconds', () => {
  const notSent = async (page: string) => {
    const r = await run(page, `prompt for ${page}`);
    expect(r.code, r.output).toBe(1);
    expect(r.report, r.output).not.toBeNull();
    const test = r.report!.tests[0]!;
    expect(test.verdict).toBe('inconclusive');
    expect(test.reason).toMatch(/^The prompt was not sent: /);
    expect(test.reason).toMatch(/--input SELECTOR.*--send SELECTOR.*--driver FILE/);
    // Said from the attempts, not after the extension's 30 s wait for a generation (which never ran).
    expect(test.durationMs, r.output).toBeLessThan(10_000);
    expect(r.output).not.toMatch(/waiting for a generation/);
    expect(r.output).toMatch(/\? INCONCLUSIVE\s+reconnect-resume\n\s+The prompt was not sent/);
    expect(chats.filter((c) => c.page === page)).toEqual([]);
    return test;
  };

  it('e: a Send button that does nothing, and no form', async () => {
    const test = await notSent('e');
    expect(test.reason).toMatch(/^The prompt was not sent: textarea "Message" \+ Enter; button "Send"; no form to submit; none made a request/);
    expect(test.evidence.map((e) => e.label)).toEqual([
      'the input: textarea "Message"',
      'textarea "Message" + Enter: no request or socket message within 1.0 s',
      'button "Send": no request or socket message within 1.0 s',
      'no form to submit: the input is in no form',
    ]);
  });

  it('f: a disabled Send button and a form whose submit goes nowhere', async () => {
    const test = await notSent('f');
    expect(test.reason).toMatch(/^The prompt was not sent: textarea "Message" \+ Enter; button "Send" \(disabled\); form\.requestSubmit\(\); none made/);
  });

  it('g: no input at all', async () => {
    const test = await notSent('g');
    expect(test.reason).toMatch(/^The prompt was not sent: no input was found/);
  });
});
