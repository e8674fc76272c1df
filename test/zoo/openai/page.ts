/** The openai chat page: a message list and a <form> composer; its shape differs per variant. */
export type Mode = 'chat' | 'responses';

const SEND = '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4l7 7h-5v9h-4v-9H5z" fill="currentColor"/></svg>';
const STOP = '<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><rect width="14" height="14" rx="2" fill="currentColor"/></svg>';

export function pageHtml(mode: Mode): string {
  // chat: an <input> (Enter submits) and text buttons. responses: a <textarea> whose Enter the client
  // turns into a submit (Shift+Enter is a newline), with icon-only buttons.
  const composer =
    mode === 'chat'
      ? '<input name="prompt" placeholder="Send a message" autocomplete="off"><button type="submit">Send</button><button type="button" id="stop" hidden>Stop</button>'
      : `<textarea name="prompt" rows="1" placeholder="Ask anything"></textarea><button type="submit" aria-label="Send message">${SEND}</button><button type="button" id="stop" aria-label="Stop generating" hidden>${STOP}</button>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${mode === 'chat' ? 'Chat' : 'Assistant'}</title>
<style>
body{font:15px system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 12px;color:#1d1d1f}
#thread{display:flex;flex-direction:column;gap:12px;min-height:200px}
.message{display:flex;gap:8px}.message .who{font-weight:600;min-width:80px}.message .content{white-space:pre-wrap}
.status{color:#a33;font-size:13px}
form{display:flex;gap:8px;margin-top:16px;align-items:flex-end}form input,form textarea{flex:1;font:inherit;padding:8px}
</style></head>
<body>
<section id="thread" aria-label="Conversation"></section>
<form id="composer">${composer}</form>
<script>window.__ZOO__=${JSON.stringify({ mode })}</script>
<script type="module" src="/client.js"></script>
</body></html>`;
}
