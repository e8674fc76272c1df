/** The MCP chat page: a message list and a <form> composer whose shape varies by variant. */
export type Composer =
  /** <textarea> + a visible "Send" button; Enter inserts a newline (a plain textarea in a form). */
  | 'textarea'
  /** <input>; Enter submits; an icon-only button labelled "Send message". */
  | 'input-icon'
  /** <textarea> + an icon-only "Send message" button. */
  | 'textarea-icon';

const ICON = '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor"/></svg>';

export function pageHtml(composer: Composer, config: { shared: boolean }): string {
  const field = composer === 'input-icon' ? '<input name="prompt" placeholder="Message the assistant" autocomplete="off">' : '<textarea name="prompt" rows="2" placeholder="Message the assistant"></textarea>';
  const send = composer === 'textarea' ? '<button type="submit">Send</button>' : `<button type="submit" aria-label="Send message">${ICON}</button>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MCP chat</title>
<style>
body{font:15px system-ui,sans-serif;max-width:720px;margin:24px auto;padding:0 12px;color:#222}
#messages{display:flex;flex-direction:column;gap:10px;min-height:200px}
.msg{padding:8px 12px;border-radius:10px;white-space:pre-wrap;margin:0}
.msg.user{align-self:flex-end;background:#e8f0fe}.msg.assistant{background:#f4f4f4}
.note{color:#a33;font-size:13px;margin:0}
form{display:flex;gap:8px;margin-top:16px}form input,form textarea{flex:1;font:inherit;padding:8px}
</style></head>
<body><h1>Tool chat</h1>
<main id="messages" aria-live="polite"></main>
<form id="composer">${field}${send}<button type="button" id="stop" hidden>Stop</button></form>
<script>window.__ZOO__=${JSON.stringify(config)}</script>
<script type="module" src="/client.js"></script>
</body></html>`;
}
