import { describe, expect, it } from 'vitest';
import { jsString, toFetch } from './fetch';
import { hostileRequests, type Req } from './cases.fixture';

/** The fetch call the pasted code makes, with fetch replaced by a recorder. */
function run(code: string): unknown[][] {
  const calls: unknown[][] = [];
  new Function('fetch', code)((...args: unknown[]) => (calls.push(args), Promise.resolve()));
  return calls;
}

describe('copy as fetch', () => {
  it('pasted into a JavaScript console, makes exactly the captured request and runs nothing else', () => {
    const g = globalThis as { PWNED?: unknown };
    for (const { name, req } of hostileRequests()) {
      const code = toFetch(req);
      const calls = run(code);
      expect(g.PWNED, name).toBeUndefined();
      expect(calls, name).toHaveLength(1);
      const [url, init] = calls[0] as [string, { method: string; headers: Record<string, string>; body?: string }];
      expect(url, name).toBe(req.url);
      expect(init.method, name).toBe(req.method);
      expect(init.headers, name).toEqual(Object.fromEntries(req.headers as Req['headers']));
      expect(init.body, name).toBe(req.body ?? undefined);
    }
  });

  it('holds no raw control character or line separator', () => {
    const code = toFetch({ method: 'POST', url: 'https://h.test/\u2028', headers: [['a', '\u2029\r']], body: '\u0000\u001b' });
    expect(code.replace(/\n/g, '')).not.toMatch(/[\0-\x1f\x7f\u2028\u2029]/);
    expect(jsString('a\u2028')).toBe('"a\\u2028"');
  });

  it('keeps a header named __proto__ as a header', () => {
    const [, init] = run(toFetch({ method: 'GET', url: 'https://h.test/', headers: [['__proto__', 'x']], body: null }))[0] as [string, { headers: Record<string, string> }];
    expect(Object.getOwnPropertyNames(init.headers)).toEqual(['__proto__']);
  });
});
