/**
 * The Control tab of a live WebSocket: send a message to the server or inject one into the app,
 * simulate a close or an error, pause or block a direction, and set a breakpoint whose held
 * message the user continues, edits or drops. Every step comes back from the page as a control
 * note (listed here) and, for frames, a mark in the event list.
 */
import { useState } from 'preact/hooks';
import type { ConnectionCapture } from '../../src/core/trace/model';
import type { Direction } from '../../src/core/trace/records';
import type { WsAction } from '../../src/protocol/ws-control';
import type { PanelConnection } from '../connect';
import type { PanelStore } from '../store';
import { showNote } from '../clipboard';
import { PAYLOAD_FORMATS, noteLine, payloadFromInput, waitingHolds, type PayloadFormat } from '../logic/wsControl';

const DIR_LABEL: Record<Direction, string> = { in: 'Incoming (server → app)', out: 'Outgoing (app → server)' };

export function WsControlView({ store, conn, connection }: { store: PanelStore; conn: ConnectionCapture; connection: PanelConnection }) {
  // The connection object stays the same as records fold into it: the store's version is what
  // changes when a control note arrives, so reading it re-renders this tab then.
  void store.version.value;
  const [message, setMessage] = useState('');
  const [format, setFormat] = useState<PayloadFormat>('text');
  const [code, setCode] = useState('1000');
  const [reason, setReason] = useState('');
  const [clean, setClean] = useState(true);
  const [bpDir, setBpDir] = useState<Direction>('in');
  const [pattern, setPattern] = useState('');
  const [regex, setRegex] = useState(false);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const id = conn.summary.id;
  const notes = conn.summary.controls ?? [];
  const ended = conn.summary.state === 'ended';
  const act = (action: WsAction) => void connection.wsControl(id, action);

  const withPayload = (input: string, fmt: PayloadFormat, then: (p: Extract<WsAction, { kind: 'send' }>['data']) => void) => {
    const r = payloadFromInput(input, fmt);
    if (r.ok) then(r.payload);
    else showNote(`Not sent: ${r.error}`, 5000);
  };

  const closeNow = () => {
    const n = Number(code);
    if (!Number.isInteger(n) || n < 0 || n > 65535) return showNote('Not closed: the close code is a whole number from 0 to 65535', 5000);
    if (reason.length > 123) return showNote('Not closed: a close reason is at most 123 characters', 5000);
    act({ kind: 'close', code: n, reason, wasClean: clean });
  };

  const breakNow = () => {
    if (pattern === '') return showNote('No breakpoint: type the text (or regular expression) to stop at', 5000);
    if (regex) {
      try {
        new RegExp(pattern);
      } catch (e) {
        return showNote(`No breakpoint: ${String(e)}`, 5000);
      }
    }
    act({ kind: 'breakpoint', dir: bpDir, pattern, regex });
  };

  return (
    <div class="ws-control" aria-label="WebSocket control">
      {ended && <p class="muted">This socket has ended: the page refuses control of it.</p>}
      <fieldset>
        <legend>Message</legend>
        <textarea aria-label="Message to send or inject" rows={3} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        <select aria-label="Message format" value={format} onChange={(e) => setFormat(e.currentTarget.value as PayloadFormat)}>
          {PAYLOAD_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === 'text' ? 'Text' : f === 'hex' ? 'Binary (hex)' : 'Binary (base64)'}
            </option>
          ))}
        </select>
        <button type="button" title="Send it to the server through the socket's native send (the app does not see it)" onClick={() => withPayload(message, format, (data) => act({ kind: 'send', data }))}>
          Send to server
        </button>
        <button type="button" title="Hand it to the app as if the server had sent it (a MessageEvent with the socket's origin; isTrusted stays false)" onClick={() => withPayload(message, format, (data) => act({ kind: 'inject', data }))}>
          Inject into app
        </button>
      </fieldset>
      <fieldset>
        <legend>Close</legend>
        <label>
          Code <input type="text" inputMode="numeric" aria-label="Close code" style={{ width: '56px' }} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </label>
        <label>
          Reason <input type="text" aria-label="Close reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <label>
          <input type="checkbox" checked={clean} onChange={(e) => setClean(e.currentTarget.checked)} /> clean
        </label>
        <button type="button" onClick={closeNow}>
          Simulate close
        </button>
        <button type="button" title="The app sees an error event, then close 1006 (not clean)" onClick={() => act({ kind: 'error' })}>
          Simulate error
        </button>
      </fieldset>
      <fieldset>
        <legend>Directions</legend>
        {(['in', 'out'] as const).map((dir) => (
          <div key={dir} class="ws-dir">
            <span>{DIR_LABEL[dir]}</span>
            <button type="button" aria-label={`Pause ${dir === 'in' ? 'incoming' : 'outgoing'}`} title="Hold messages, delivered in order on Resume" onClick={() => act({ kind: 'block', dir, hold: true })}>
              Pause
            </button>
            <button type="button" aria-label={`Block ${dir === 'in' ? 'incoming' : 'outgoing'}`} title="Drop messages (recorded as blocked or dropped)" onClick={() => act({ kind: 'block', dir, hold: false })}>
              Block
            </button>
            <button type="button" aria-label={`Resume ${dir === 'in' ? 'incoming' : 'outgoing'}`} onClick={() => act({ kind: 'resume', dir })}>
              Resume
            </button>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Breakpoint</legend>
        <select aria-label="Breakpoint direction" value={bpDir} onChange={(e) => setBpDir(e.currentTarget.value as Direction)}>
          <option value="in">{DIR_LABEL.in}</option>
          <option value="out">{DIR_LABEL.out}</option>
        </select>
        <input type="text" aria-label="Breakpoint pattern" placeholder="text in the next message to stop at" value={pattern} onInput={(e) => setPattern(e.currentTarget.value)} />
        <label>
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.currentTarget.checked)} /> regex
        </label>
        <button type="button" title="Hold the next text message that matches (once)" onClick={breakNow}>
          Set breakpoint
        </button>
        <button type="button" onClick={() => act({ kind: 'clear-breakpoint', dir: bpDir })}>
          Clear
        </button>
      </fieldset>
      <ul class="ws-held" aria-label="Held messages">
        {waitingHolds(notes).map((h) => {
          const holdId = h.holdId!;
          const text = edits[holdId] ?? h.detail ?? '';
          return (
            <li key={holdId}>
              <span class="muted">{h.dir === 'in' ? '↓ held from the app' : '↑ held from the server'}</span>
              <input type="text" aria-label="Held message" value={text} onInput={(e) => setEdits({ ...edits, [holdId]: e.currentTarget.value })} />
              <button type="button" onClick={() => act({ kind: 'continue', holdId })}>
                Continue
              </button>
              <button type="button" title="Deliver this text instead of the held message" onClick={() => act({ kind: 'edit', holdId, data: { binary: false, value: text } })}>
                Edit
              </button>
              <button type="button" onClick={() => act({ kind: 'drop', holdId })}>
                Drop
              </button>
            </li>
          );
        })}
      </ul>
      <ol class="ws-notes" aria-label="Control log">
        {notes.map((n, i) => (
          <li key={i} class={n.error ? 'warn' : undefined}>
            {noteLine(n)}
          </li>
        ))}
      </ol>
    </div>
  );
}
