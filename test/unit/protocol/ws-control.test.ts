/**
 * The `ws-control` action parser: the one check of what the panel asks (the hook parses the
 * command again where it enters the page), so every malformed action is refused whole.
 */
import { describe, expect, it } from 'vitest';
import { payloadOf, wsActionOf, wsControlOf, MAX_PAYLOAD_CHARS } from '../../../src/protocol/ws-control';
import { hookCommands } from '../../../src/protocol/page';
import { panelSide, backgroundPanelSide } from '../../../src/protocol/panel';

describe('ws-control actions', () => {
  it('keeps every valid action as it is, and nothing else of it', () => {
    const valid = [
      { kind: 'send', data: { binary: false, value: 'hi' } },
      { kind: 'inject', data: { binary: true, value: 'AP8Q' } },
      { kind: 'close', code: 4001, reason: 'bye', wasClean: false },
      { kind: 'error' },
      { kind: 'block', dir: 'in', hold: true },
      { kind: 'resume', dir: 'out' },
      { kind: 'breakpoint', dir: 'in', pattern: 'secret \\d+', regex: true },
      { kind: 'clear-breakpoint', dir: 'in' },
      { kind: 'continue', holdId: 'c-1#1' },
      { kind: 'edit', holdId: 'c-1#1', data: { binary: false, value: 'x' } },
      { kind: 'drop', holdId: 'c-1#1' },
    ];
    for (const a of valid) expect(wsActionOf({ ...a, extra: 'dropped' })).toEqual(a);
  });

  it('refuses malformed ones', () => {
    const bad: unknown[] = [
      null, 'send', [], {}, { kind: 'nope' },
      { kind: 'send' },
      { kind: 'send', data: { binary: false } },
      { kind: 'send', data: { binary: true, value: 'not base64!' } },
      { kind: 'send', data: { binary: true, value: 'AAA' } },
      { kind: 'send', data: { binary: true, value: 'A=AA' } },
      { kind: 'inject', data: { binary: false, value: 'x'.repeat(MAX_PAYLOAD_CHARS + 1) } },
      { kind: 'close', code: 1.5, reason: '', wasClean: true },
      { kind: 'close', code: 70000, reason: '', wasClean: true },
      { kind: 'close', code: 1000, reason: 'r'.repeat(124), wasClean: true },
      { kind: 'close', code: 1000, reason: '' },
      { kind: 'block', dir: 'sideways', hold: true },
      { kind: 'block', dir: 'in' },
      { kind: 'breakpoint', dir: 'in', pattern: '', regex: false },
      { kind: 'breakpoint', dir: 'in', pattern: '(', regex: true },
      { kind: 'continue', holdId: '' },
      { kind: 'edit', holdId: 'h', data: null },
    ];
    for (const a of bad) expect(wsActionOf(a), JSON.stringify(a)?.slice(0, 80)).toBeNull();
    // A pattern that is not a valid regex is fine as plain text.
    expect(wsActionOf({ kind: 'breakpoint', dir: 'out', pattern: '(', regex: false })).not.toBeNull();
    expect(payloadOf({ binary: true, value: '' })).toEqual({ binary: true, value: '' });
  });

  it('travels as a panel request and a hook command, parsed at each hop', () => {
    const action = { kind: 'inject', data: { binary: false, value: 'hi' } } as const;
    const req = panelSide.out.make('ws-control', { tabId: 3, conn: 'doc:c-1', action });
    expect(backgroundPanelSide.in.parse(JSON.parse(JSON.stringify(req)))).toMatchObject({ type: 'ws-control', tabId: 3, conn: 'doc:c-1', action });
    expect(backgroundPanelSide.in.parse({ ...req, action: { kind: 'inject' } })).toBeNull();
    expect(backgroundPanelSide.in.parse({ ...req, tabId: 'x' })).toBeNull();
    const cmd = hookCommands.make('ws-control', { conn: 'c-1', action });
    expect(hookCommands.parse(cmd)).toMatchObject({ type: 'ws-control', conn: 'c-1', action });
    expect(wsControlOf({ conn: '', action })).toBeNull();
    expect(wsControlOf({ conn: 'c'.repeat(201), action })).toBeNull();
  });
});
