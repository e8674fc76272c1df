import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote, toCurl } from './curl';

describe('copy as cURL', () => {
  it('builds a POST with headers and body, quoting for a POSIX shell', () => {
    const cmd = toCurl({ method: 'POST', url: 'http://h/api/chat', headers: [['content-type', 'application/json']], body: `{"prompt":"it's"}`, streaming: true });
    expect(cmd).toBe(`curl 'http://h/api/chat' \\\n  -H 'content-type: application/json' \\\n  --data-raw $'{"prompt":"it\\'s"}' \\\n  -N`);
  });

  it('says the method only when curl would not infer it', () => {
    expect(toCurl({ method: 'GET', url: 'http://h/s', headers: [], body: null })).toBe(`curl 'http://h/s'`);
    expect(toCurl({ method: 'DELETE', url: 'http://h/r', headers: [], body: null })).toContain(`-X 'DELETE'`);
    expect(toCurl({ method: 'PUT', url: 'http://h/r', headers: [], body: 'x' })).toContain(`-X 'PUT'`);
    expect(toCurl({ method: 'POST', url: 'http://h/r', headers: [], body: null })).toContain(`-X 'POST'`);
  });

  it('quotes anything', () => {
    expect(shellQuote(`a'b $HOME "c"`)).toBe(`$'a\\'b $HOME "c"'`);
    expect(shellQuote(`a $HOME "c"`)).toBe(`'a $HOME "c"'`);
  });

  it('sends a method other than the six fetch normalizes as written, as the browser does', () => {
    expect(toCurl({ method: 'patch', url: 'http://h/r', headers: [], body: null })).toContain(`-X 'patch'`);
    expect(toCurl({ method: 'delete', url: 'http://h/r', headers: [], body: null })).toContain(`-X 'DELETE'`);
  });

  it('pasted into bash, runs nothing a hostile page put in the method, URL, headers or body', () => {
    // The hook records a method before the real fetch rejects it, so a page controls every part.
    const dir = mkdtempSync(join(tmpdir(), 'curl-'));
    const mark = join(dir, 'pwned');
    const evil = `$(touch ${mark})\`touch ${mark}\`;touch ${mark}`;
    const req = { method: `GET;X=ECHO;\${X,,} ${evil}\n${evil}`, url: `http://h/${evil}'`, headers: [[`x-${evil}`, `'${evil}'`]] as [string, string][], body: `${evil}\u0000tail` };
    // curl replaced by a function that prints each argument it got, one per line.
    const printed = execFileSync('bash', ['-c', `curl() { printf '<%s>\\n' "$@"; }\n${toCurl(req)}`], { encoding: 'utf8' });
    expect(existsSync(mark)).toBe(false);
    expect(printed).toContain(`<${req.url}>`);
    expect(printed).toContain(`<${req.method}>`); // not a method fetch normalizes: sent as written
    expect(printed).toContain(`<x-${evil}: '${evil}'>`);
    expect(printed).toContain(`<${evil}tail>`);
  });
});
