import { describe, expect, it } from 'vitest';
import { shellQuote, toCurl } from './curl';

describe('copy as cURL', () => {
  it('builds a POST with headers and body, quoting for a POSIX shell', () => {
    const cmd = toCurl({ method: 'POST', url: 'http://h/api/chat', headers: [['content-type', 'application/json']], body: `{"prompt":"it's"}`, streaming: true });
    expect(cmd).toBe(`curl 'http://h/api/chat' \\\n  -H 'content-type: application/json' \\\n  --data-raw '{"prompt":"it'\\''s"}' \\\n  -N`);
  });

  it('says the method only when curl would not infer it', () => {
    expect(toCurl({ method: 'GET', url: 'http://h/s', headers: [], body: null })).toBe(`curl 'http://h/s'`);
    expect(toCurl({ method: 'DELETE', url: 'http://h/r', headers: [], body: null })).toContain('-X DELETE');
    expect(toCurl({ method: 'PUT', url: 'http://h/r', headers: [], body: 'x' })).toContain('-X PUT');
    expect(toCurl({ method: 'POST', url: 'http://h/r', headers: [], body: null })).toContain('-X POST');
  });

  it('quotes anything', () => {
    expect(shellQuote(`a'b $HOME "c"`)).toBe(`'a'\\''b $HOME "c"'`);
  });
});
