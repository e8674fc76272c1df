import { describe, expect, it } from 'vitest';
import { shownMessage, shownRow } from './hide-secrets';
import type { ConversationMessage } from '../../src/core/reassembly/conversation';
import { readArgs } from '../../src/core/reassembly/tool-args';
import type { EventRow } from './rows';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('hide secrets', () => {
  it('masks a token in a tool call’s arguments and result, and reads the masked arguments as JSON again', () => {
    const argsText = JSON.stringify({ query: 'weather', token: jwt });
    const m = {
      key: 'm1',
      parts: [
        { kind: 'tool-call', frames: [1], name: 'search', argsText, args: readArgs(argsText, true), complete: true, result: { output: `token=${jwt}`, isError: false, frame: 2 } },
        { kind: 'text', frames: [3], text: `see ${jwt}`, spans: [{ start: 0, end: 4, frame: 3 }, { start: 4, end: 4 + jwt.length, frame: 4 }] },
      ],
    } as unknown as ConversationMessage;
    const shown = shownMessage(m, true);
    const text = JSON.stringify(shown);
    expect(text).not.toContain(jwt);
    const call = shown.parts[0] as Extract<ConversationMessage['parts'][number], { kind: 'tool-call' }>;
    expect(call.args).toMatchObject({ state: 'json', value: { query: 'weather' } });
    const prose = shown.parts[1] as Extract<ConversationMessage['parts'][number], { kind: 'text' }>;
    expect(prose.spans).toEqual([{ start: 0, end: prose.text.length, frame: 3 }]);
    // Off, nothing changes.
    expect(shownMessage(m, false)).toBe(m);
  });

  it('masks an event row’s text and drops its pre-parsed JSON, which held the secret', () => {
    const row = { index: 0, text: `{"access_token":"${jwt}"}`, json: { access_token: jwt }, base64: null } as unknown as EventRow;
    const shown = shownRow(row, true);
    expect(shown.text).not.toContain(jwt);
    expect(shown.json).toBeUndefined();
    expect(shownRow(row, false)).toBe(row);
  });
});
