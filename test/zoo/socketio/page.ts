/**
 * The chat page's HTML. The composer differs per variant (as real apps differ) and the
 * features are handed to the bundled client in a data attribute so one client serves all.
 */
export interface Features {
  /** Socket.IO connectionStateRecovery on the server (the client needs nothing for it). */
  recovery: boolean;
  /** A room per conversation id (in the URL as ?chat=<id>) that every tab on it joins. */
  rooms: boolean;
  /**
   * What Stop does: `cancel` emits an explicit cancel event the server acts on; `disconnect`
   * closes the socket (the server stops because the socket went away); `ignore` only stops
   * rendering in this tab.
   */
  stop: 'cancel' | 'disconnect' | 'ignore';
  /**
   * textarea: a plain textarea in a form with a visible Send button (Enter adds a newline);
   * input: an input where Enter submits; icon: an input with an icon-only "Send message" button.
   */
  composer: 'textarea' | 'input' | 'icon';
  /**
   * Engine.IO long-polling only, as an app behind a proxy that refuses WebSocket configures it:
   * every packet rides in a short GET or POST, sent with XHR (`transports: ['polling']`) or with
   * fetch (`transports: [Fetch]`, socket.io-client's fetch polling).
   */
  polling?: 'xhr' | 'fetch';
}

const SEND_ICON =
  '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M2 21l21-9L2 3v7l15 2-15 2z"/></svg>';
const STOP_ICON = '<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><rect width="14" height="14" rx="2" fill="currentColor"/></svg>';

function composerHtml(f: Features): string {
  if (f.composer === 'textarea') {
    return `<textarea name="prompt" rows="3" placeholder="Message the assistant"></textarea>
      <button type="submit">Send</button>
      <button type="button" id="stop" hidden>Stop</button>`;
  }
  if (f.composer === 'input') {
    return `<input name="prompt" autocomplete="off" placeholder="Ask anything">
      <button type="submit">Send</button>
      <button type="button" id="stop" hidden>Stop</button>`;
  }
  return `<input name="prompt" autocomplete="off" placeholder="Type a message">
    <button type="submit" class="icon" aria-label="Send message">${SEND_ICON}</button>
    <button type="button" id="stop" class="icon" aria-label="Stop generating" hidden>${STOP_ICON}</button>`;
}

export function renderPage(f: Features): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Socket.IO chat</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; display: flex; flex-direction: column; height: 100vh; }
  header { padding: 10px 16px; border-bottom: 1px solid #ddd; font-weight: 600; }
  #messages { flex: 1; overflow: auto; padding: 16px; display: flex; flex-direction: column; gap: 10px; }
  .user { align-self: flex-end; background: #e8f0fe; padding: 8px 12px; border-radius: 12px; max-width: 70%; }
  .assistant { align-self: flex-start; max-width: 80%; }
  .answer { white-space: pre-wrap; }
  #composer { display: flex; gap: 8px; padding: 12px 16px; border-top: 1px solid #ddd; }
  #composer textarea, #composer input { flex: 1; font: inherit; padding: 8px; }
  #composer button.icon { width: 40px; }
  [hidden] { display: none !important; }
</style>
</head>
<body data-features='${JSON.stringify(f)}'>
  <header>Socket.IO chat</header>
  <main id="messages" aria-live="polite"></main>
  <form id="composer">
    ${composerHtml(f)}
  </form>
  <script type="module" src="/client.js"></script>
</body>
</html>`;
}
