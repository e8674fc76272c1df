/**
 * The Durable Streams family's chat page: server-rendered markup (a different composer per
 * variant) that client.ts brings to life. The variant rides on <body data-variant>.
 */
import type { ZooApp } from '../types';

export type DsVariant = 'sse-offset' | 'replay' | 'long-poll' | 'long-poll-replay';

/** The long-poll variants wear their SSE twin's markup: only the read differs. */
const MARKUP: Record<DsVariant, 'sse-offset' | 'replay'> = { 'sse-offset': 'sse-offset', replay: 'replay', 'long-poll': 'sse-offset', 'long-poll-replay': 'replay' };

const UIS: Record<'sse-offset' | 'replay', ZooApp['ui']> = {
  // A textarea (Enter only adds a line) with an icon-only send button and a "Stop" text button.
  'sse-offset': { input: 'textarea[name="message"]', send: 'button[aria-label="Send message"]', answer: '.answer', stop: 'button.stop' },
  // An input where Enter submits, a "Send" text button and an icon-only stop button.
  replay: { input: 'input[name="q"]', send: 'form button[type="submit"]', answer: '.answer', stop: 'button[aria-label="Stop generating"]' },
};

export const UI = (v: DsVariant): ZooApp['ui'] => UIS[MARKUP[v]];

const COMPOSER: Record<'sse-offset' | 'replay', string> = {
  'sse-offset': `
  <textarea name="message" rows="2" aria-label="Message" placeholder="Message"></textarea>
  <button type="submit" aria-label="Send message"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor"/></svg></button>
  <button type="button" class="stop" hidden>Stop</button>`,
  replay: `
  <input name="q" autocomplete="off" placeholder="Ask something">
  <button type="submit">Send</button>
  <button type="button" aria-label="Stop generating" hidden><svg viewBox="0 0 24 24" aria-hidden="true"><rect x="6" y="6" width="12" height="12" fill="currentColor"/></svg></button>`,
};

export function page(variant: DsVariant): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Durable Streams chat</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 680px; margin: 2rem auto; }
  .user { font-weight: 600; margin-top: 1rem; }
  .answer { white-space: pre-wrap; }
  form { display: flex; gap: .5rem; margin-top: 1.5rem; }
  textarea, input { flex: 1; font: inherit; }
  button svg { width: 18px; height: 18px; }
</style>
</head>
<body data-variant="${variant}">
<main>
<h1>Chat</h1>
<div id="log"></div>
<form id="composer">${COMPOSER[MARKUP[variant]]}
</form>
</main>
<script type="module" src="/client.js"></script>
</body>
</html>`;
}
