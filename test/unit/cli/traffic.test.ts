/** What counts as the page sending the prompt. */
import { describe, expect, it } from 'vitest';
import { carriesPrompt, ignoredRequest, looksLikeSend } from '../../../src/cli/traffic';

describe('ignoredRequest', () => {
  it('ignores static assets, beacons and non-web URLs (our extension, data:, blob:)', () => {
    for (const [type, url] of [
      ['image', 'https://app.test/logo'], ['stylesheet', 'https://app.test/a'], ['font', 'https://app.test/f'], ['script', 'https://app.test/s'], ['ping', 'https://t.test/collect'],
      ['fetch', 'https://app.test/static/app.js'], ['other', 'https://app.test/favicon.ico'], ['fetch', 'chrome-extension://abc/panel/index.html'], ['fetch', 'data:text/plain,x'], ['fetch', 'blob:https://app.test/1'],
    ]) expect(ignoredRequest(type!, url!), `${type} ${url}`).toBe(true);
  });
  it('keeps API calls of every kind, and form posts', () => {
    for (const [type, url] of [['fetch', 'https://app.test/api/chat'], ['xhr', 'http://127.0.0.1:3000/v1/messages?x=1'], ['eventsource', 'https://app.test/stream'], ['document', 'https://app.test/send'], ['other', 'https://app.test/rpc']])
      expect(ignoredRequest(type!, url!), `${type} ${url}`).toBe(false);
  });
});

describe('carriesPrompt', () => {
  const prompt = 'Say "hi"\nplease & thanks';
  it('finds the prompt raw, JSON-escaped or URL-encoded', () => {
    expect(carriesPrompt(`x${prompt}y`, prompt)).toBe(true);
    expect(carriesPrompt(JSON.stringify({ messages: [{ content: prompt }] }), prompt)).toBe(true);
    expect(carriesPrompt(`https://app.test/?q=${encodeURIComponent(prompt)}`, prompt)).toBe(true);
    expect(carriesPrompt('q=hello+world', 'hello world')).toBe(true);
  });
  it('does not match other text, broken encodings, or an empty prompt', () => {
    expect(carriesPrompt('{"type":"ping"}', prompt)).toBe(false);
    expect(carriesPrompt('%E0%A4%A', 'x')).toBe(false);
    expect(carriesPrompt('anything', '  ')).toBe(false);
  });
});

describe('looksLikeSend', () => {
  const t = (key: string, body = '') => ({ key, text: () => body });
  it('takes traffic this page load had not sent before', () => {
    expect(looksLikeSend(t('POST https://app.test/api/chat'), new Set(), 'hi')).toBe(true);
  });
  it('skips polling and heartbeats unless they carry the prompt', () => {
    const baseline = new Set(['GET https://app.test/api/status', 'frame wss://app.test/ws {"type":"ping"}']);
    expect(looksLikeSend(t('GET https://app.test/api/status'), baseline, 'hi there')).toBe(false);
    expect(looksLikeSend(t('frame wss://app.test/ws {"type":"ping"}', '{"type":"ping"}'), baseline, 'hi there')).toBe(false);
    expect(looksLikeSend(t('GET https://app.test/api/status', 'https://app.test/api/status?q=hi%20there'), baseline, 'hi there')).toBe(true);
  });
});
