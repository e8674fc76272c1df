import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../src/core/trace/records';
import { foldRecords } from '../src/core/trace/model';
import { importFile } from './logic/exchange';
import { emptyTabData } from './source';
import { COPY_ACTIONS, copyOf, curlOf } from './requests';
import { intendedArgv, runInBash } from './logic/copy-as/bash-run.fixture';

const KEY = 'sk-proj-4fGh7Jk2Lm9Np3Qr6St8Vw1Xy5Za0Bc';

function connection() {
  const data = emptyTabData();
  const recs: CaptureRecord[] = [
    { type: 'open', conn: '1', time: 1000, kind: 'fetch', url: 'https://h.test/api/chat?api_key=k123&stream=1', method: 'POST', requestHeaders: [['Authorization', `Bearer ${KEY}`], ['content-type', 'application/json']], requestBodySize: 40, requestBodyPreview: JSON.stringify({ prompt: 'hello there', password: 'hunter2' }), detail: null },
    { type: 'response', conn: '1', time: 1010, status: 200, statusText: 'OK', headers: [['content-type', 'text/event-stream']], streaming: true },
  ];
  foldRecords(data, 'doc', recs);
  return data.capture.get('doc:1')!;
}

describe('copying a request', () => {
  it('redacts secrets by default in every format, and keeps them in the "with secrets" variants', () => {
    const conn = connection();
    const formats = new Set(COPY_ACTIONS.map((a) => a.format));
    expect([...formats]).toEqual(['curl-bash', 'curl-cmd', 'powershell', 'fetch']);
    for (const a of COPY_ACTIONS) {
      const text = copyOf(conn, a.format, a.secrets);
      expect(text, a.label).toContain('hello there');
      for (const secret of [KEY, 'k123', 'hunter2']) {
        if (a.secrets) expect(text, a.label).toContain(secret);
        else expect(text, a.label).not.toContain(secret);
      }
      expect(a.label.endsWith('(with secrets)')).toBe(a.secrets);
    }
    expect(COPY_ACTIONS.map((a) => a.label)).toContain('Copy as cURL');
    expect(curlOf(conn)).toBe(copyOf(conn, 'curl-bash', false));
  });

  it('copies a connection imported from a hostile HAR file as safely as a captured one', async () => {
    const evil = '$(echo PWNED)`echo PWNED`;echo PWNED\n${X,,}!!\u0000';
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'x', version: '1' },
        entries: [
          {
            startedDateTime: '2026-01-01T00:00:00.000Z',
            time: 10,
            _resourceType: 'fetch',
            request: { method: 'GET;X=ECHO;${X,,} PWNED;', url: `https://h.test/${evil}'`, headers: [{ name: `x-${evil}`, value: `'${evil}'` }], postData: { mimeType: 'text/plain', text: evil } },
            response: { status: 200, headers: [{ name: 'content-type', value: 'text/event-stream' }], content: { mimeType: 'text/event-stream', text: 'data: hi\n\n' } },
            timings: { send: 0, wait: 1, receive: 9 },
          },
        ],
      },
    };
    const r = await importFile(new Blob([JSON.stringify(har)]).stream() as ReadableStream<Uint8Array>);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const conn = [...r.sessions[0]!.data.capture.values()][0]!;
    const s = conn.summary;
    expect(s.method).toBe('GET;X=ECHO;${X,,} PWNED;'); // the HAR's method, as written
    const run = runInBash([copyOf(conn, 'curl-bash', true), copyOf(conn, 'curl-bash', false)], true);
    expect(run.stdout).toBe('');
    expect(run.argvs).toHaveLength(2);
    expect(run.argvs[0]).toEqual(intendedArgv({ method: s.method, url: s.url, headers: s.requestHeaders, body: s.requestBodyPreview }).concat('-N'));
    expect(run.argvs[0]).toContain(`x-${evil.replace('\u0000', '')}: '${evil.replace('\u0000', '')}'`);
  });
});
