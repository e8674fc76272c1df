import { describe, expect, it } from 'vitest';
import { matchesFilter, parseFilter, type Filterable } from './filter';

const row = (over: Partial<Filterable>): Filterable => ({
  url: 'http://127.0.0.1/api/chat',
  method: 'POST',
  kind: 'fetch',
  kindLabel: 'fetch-SSE',
  protocol: 'openai-chat',
  protocolName: 'OpenAI Chat Completions',
  status: 200,
  statusLabel: '200 ended',
  state: 'ended',
  end: 'clean',
  ...over,
});
const ws = row({ url: 'ws://127.0.0.1/ws', method: 'GET', kind: 'websocket', kindLabel: 'WebSocket', protocol: 'generic-ws-json', protocolName: 'JSON over WebSocket', status: null, statusLabel: 'closed by app (1000)', end: 'client-abort' });
const failed = row({ url: 'http://127.0.0.1/api/other', end: 'network-error', statusLabel: 'network error: TypeError' });
const matching = (q: string) => [row({}), ws, failed].filter((r) => matchesFilter(r, parseFilter(q))).map((r) => r.url);

describe('parseFilter', () => {
  it('reads keyed, negated and free-text terms', () => {
    expect(parseFilter('kind:ws -kind:fetch chat')).toEqual([
      { key: 'kind', value: 'ws', negate: false },
      { key: 'kind', value: 'fetch', negate: true },
      { key: 'text', value: 'chat', negate: false },
    ]);
  });

  it('keeps a URL with a scheme as text, not as an unknown key', () => {
    expect(parseFilter('http://x/y')).toEqual([{ key: 'text', value: 'http://x/y', negate: false }]);
  });

  it('ignores a key still being typed and quoted values keep their spaces', () => {
    expect(parseFilter('kind:')).toEqual([]);
    expect(parseFilter('status:"network error"')).toEqual([{ key: 'status', value: 'network error', negate: false }]);
  });
});

describe('matchesFilter', () => {
  it('matches kinds by alias and label', () => {
    expect(matching('kind:ws')).toEqual(['ws://127.0.0.1/ws']);
    expect(matching('kind:sse')).toHaveLength(2);
    expect(matching('-kind:fetch')).toEqual(['ws://127.0.0.1/ws']);
  });

  it('matches protocols by id or name', () => {
    expect(matching('protocol:openai')).toHaveLength(2);
    expect(matching('protocol:websocket')).toEqual(['ws://127.0.0.1/ws']);
  });

  it('knows what status:error, status:abort and status codes mean', () => {
    expect(matching('status:error')).toEqual(['http://127.0.0.1/api/other']);
    expect(matching('status:abort')).toEqual(['ws://127.0.0.1/ws']);
    expect(matching('status:200')).toHaveLength(2);
    expect(matching('status:4')).toEqual([]);
    expect(matchesFilter(row({ status: 503 }), parseFilter('status:error'))).toBe(true);
  });

  it('matches free text on the URL, all terms together', () => {
    expect(matching('chat')).toEqual(['http://127.0.0.1/api/chat']);
    expect(matching('api -chat')).toEqual(['http://127.0.0.1/api/other']);
    expect(matching('')).toHaveLength(3);
  });
});
