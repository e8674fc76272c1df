import { describe, expect, it } from 'vitest';
import { correlationIds, sharesCorrelation } from '../../../src/core/trace/correlation';

const conn = (url: string, extra: { requestHeaders?: [string, string][]; responseHeaders?: [string, string][]; requestBodyPreview?: string } = {}) => ({
  url,
  requestHeaders: extra.requestHeaders ?? [],
  responseHeaders: extra.responseHeaders ?? [],
  requestBodyPreview: extra.requestBodyPreview ?? null,
});

describe('correlationIds', () => {
  it('finds conversation and run ids in REST-shaped paths', () => {
    expect(correlationIds(conn('http://app/durable-sse/api/conversations/c_k2j4h5/runs'))).toEqual(['conversation:c_k2j4h5']);
    expect(correlationIds(conn('http://app/durable-sse/api/runs/run_mwvts7ap2gul9ex/stream'))).toEqual(['run:run_mwvts7ap2gul9ex']);
  });

  it('finds ids in query parameters, headers and JSON request bodies', () => {
    expect(correlationIds(conn('http://app/durable-ws/?c=Xy12ab9'))).toEqual(['conversation:Xy12ab9']);
    expect(correlationIds(conn('http://app/mcp', { responseHeaders: [['Mcp-Session-Id', '1868a90c-4a1b-4c59-8b21-53b5e0d9c5a8']] }))).toEqual(['session:1868a90c-4a1b-4c59-8b21-53b5e0d9c5a8']);
    expect(correlationIds(conn('http://app/api/chat', { requestBodyPreview: '{"threadId":"thr_42","prompt":"hi"}' }))).toEqual(['thread:thr_42']);
  });

  it('ignores words and small numbers that are not ids', () => {
    expect(correlationIds(conn('http://app/api/runs/stream?c=1&session=true'))).toEqual([]);
    expect(correlationIds(conn('http://app/trapped-sse/api/chat', { requestBodyPreview: 'not json' }))).toEqual([]);
  });

  it('links two connections that share an id', () => {
    const tabA = correlationIds(conn('http://app/durable-sse/api/conversations/c_k2j4h5/runs'));
    const tabB = correlationIds(conn('http://app/durable-sse/?c=c_k2j4h5'));
    expect(sharesCorrelation(tabA, tabB)).toBe(true);
    expect(sharesCorrelation(tabA, ['conversation:other1'])).toBe(false);
  });
});
