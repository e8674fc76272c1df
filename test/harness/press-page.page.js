// A page with a stop control that tries to make the extension's relay press it. Its button
// counts every click and reports each to the server (with this document's id), so the test
// sees presses in any tab, including the second tab a test opens and closes again.
(() => {
  const doc = Math.random().toString(36).slice(2);
  const log = (window.__pressLog = { doc, clicks: 0, posted: 0, delivered: 0, commands: 0 });
  const button = document.createElement('button');
  button.id = 'stop';
  button.textContent = 'Stop';
  button.addEventListener('click', () => {
    log.clicks += 1;
    void fetch(`/clicked?doc=${doc}`, { method: 'POST', keepalive: true });
  });
  document.addEventListener('DOMContentLoaded', () => document.body.append(button));
  addEventListener('message', (e) => {
    if (e.data && e.data.__pressAttack) log.delivered += 1;
  });

  const source = 'durable-sessions-inspector';
  const v = 1;
  const guesses = ['', 'forged', 'doc', crypto.randomUUID()];
  const commands = [];
  for (const docId of guesses) {
    for (const selector of [null, '#stop']) {
      commands.push({ source, v, type: 'press-stop', docId, selector, press: true });
      commands.push({ source, v, id: 'x-1', type: 'press-stop', docId, selector, press: true });
    }
    commands.push({ source, v, id: 'x-2', type: 'get-location', docId });
  }
  // The same without an envelope, and with a future protocol version.
  commands.push({ type: 'press-stop', docId: 'forged', selector: '#stop', press: true });
  commands.push({ source, v: 2, type: 'press-stop', docId: 'forged', selector: '#stop', press: true });

  const post = (data, ports = []) => {
    log.posted += 1;
    postMessage({ __pressAttack: true, ...data }, '*', ports);
  };

  log.commands = commands.length;

  window.__pressAttack = () => {
    for (const c of commands) {
      // Window messages, as a content script listening on window would get them.
      post(c);
      // DOM events under every name our pieces use, on window and document.
      for (const name of ['__durable_sessions_command', '__durable_sessions_capture', '__durable_sessions_port', 'press-stop', 'message']) {
        dispatchEvent(new CustomEvent(name, { detail: c }));
        document.dispatchEvent(new CustomEvent(name, { detail: c, bubbles: true }));
      }
      // A fake handover of a port (the hook's way in), then the command over that port.
      const channel = new MessageChannel();
      post({ __durable_sessions_port: true }, [channel.port2]);
      channel.port1.postMessage(c);
      // A synthetic message event, with a port as the handover carries one.
      const fake = new MessageChannel();
      dispatchEvent(new MessageEvent('message', { data: { __durable_sessions_port: true }, ports: [fake.port2] }));
      fake.port1.postMessage(c);
    }
  };
  // Every document attacks at once, before any test could press anything.
  window.__pressAttack();

  // A slow AI-like stream, so a second-tab-cancel test has a generation to watch.
  void fetch('/slow').then((r) => r.body && r.body.pipeTo(new WritableStream()));
})();
