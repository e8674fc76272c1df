import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import { SPLITS, splitName } from './fixture';

const RUN = '1ef9c3a2-7b1e-6f60-8d3a-2f0c5b9e4a11';

describe('LangGraph / LangServe', () => {
  it('recognizes messages-tuple streaming with run id, node as agent and SSE ids', () => {
    const a = analyze('langgraph', 'messages.txt');
    expect(a.rec).toMatchObject({ protocol: 'langgraph', name: 'LangGraph / LangServe', guess: false });
    expect(a.text).toBe('The capital of France is Paris.');
    expect(a.out.messages).toEqual([expect.objectContaining({ key: 'run-7c1d2e3f-aaaa-bbbb-cccc-000000000001', agent: 'agent', finished: true })]);
    expect(a.rec.handles.slice(0, 2)).toEqual([
      { kind: 'event-id', value: '1732000000000-0' },
      { kind: 'run-id', value: RUN },
    ]);
    expect(a.rec.handles.filter((h) => h.kind === 'event-id')).toHaveLength(7);
    expect(a.of('finish').map((f) => f.reason)).toEqual(['stop', 'end']);
  });

  it('is chunk-independent (CRLF from sse_starlette)', () => {
    const whole = analyze('langgraph', 'messages.txt');
    for (const split of SPLITS) expect(analyze('langgraph', 'messages.txt', split).rec.events, splitName(split)).toEqual(whole.rec.events);
  });

  it('diffs cumulative messages/partial into deltas', () => {
    const a = analyze('langgraph', 'partial.txt');
    expect(a.rec.protocol).toBe('langgraph');
    expect(a.of('text-delta').map((e) => e.text)).toEqual(['Hel', 'lo wor', 'ld']);
    expect(a.out.messages[0]).toMatchObject({ key: 'run-abc', text: 'Hello world', finished: true });
  });

  it('reports graph errors, and a cancelled run as cancel', () => {
    const err = analyze('langgraph', 'error.txt');
    expect(err.of('error')[0]!.message).toMatch(/^GraphRecursionError: Recursion limit/);
    expect(err.text).toBe('The capital');
    const cancel = analyze('langgraph', 'cancel.txt');
    expect(cancel.of('cancel')).toHaveLength(1);
    expect(cancel.out.messages[0]!.cancelled).toBe(true);
  });
});

describe('MCP Streamable HTTP', () => {
  it('recognizes JSON-RPC over SSE with session and event-id handles', () => {
    const a = analyze('mcp', 'sse.txt');
    expect(a.rec).toMatchObject({ protocol: 'mcp', name: 'MCP Streamable HTTP', guess: false });
    expect(a.text).toBe('Found 3 matching files: a.ts, b.ts, c.ts');
    expect(a.rec.handles[0]).toEqual({ kind: 'event-id', value: '_GS_1868a90c-9e5e-4b8a_1' });
    expect(a.rec.handles).toContainEqual({ kind: 'session-id', value: '1868a90c-9e5e-4b8a-a3d5-6e0b32a1c2aa' });
    expect(a.rec.handles.filter((h) => h.kind === 'event-id').map((h) => h.value.split('_').at(-1))).toEqual(['1', '2', '3', '4']);
    expect(a.of('step').map((s) => s.name)).toEqual(['progress 1/3: Indexing', 'log info', 'progress 2/3']);
    expect(a.of('heartbeat')).toHaveLength(1);
    expect(a.out.messages[0]).toMatchObject({ key: 'rpc:7', finished: true });
  });

  it('recognizes a plain JSON response', () => {
    const a = analyze('mcp', 'json.json');
    expect(a.rec.protocol).toBe('mcp');
    expect(a.text).toBe('pong');
  });

  it('maps notifications/cancelled to cancel and JSON-RPC errors to error', () => {
    const c = analyze('mcp', 'cancelled.txt');
    expect(c.of('cancel')[0]).toMatchObject({ reason: 'User requested cancellation', messageId: 'rpc:7' });
    const e = analyze('mcp', 'error.txt');
    expect(e.of('error')[0]!.message).toBe('-32603 Internal error: upstream timeout');
  });
});
