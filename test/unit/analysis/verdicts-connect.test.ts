/**
 * Connect and gRPC-web streams in the verdict rules, from the recorded fixtures: neither
 * protocol has a resume handle or a cancel message, so the answer is bound to the POST that
 * started it and a stop is the client aborting that request, as with OpenAI Chat Completions.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWithView, passiveFlags, secondTabCancelVerdict } from '../../../src/core/analysis';
import type { ConnectionCapture } from '../../../src/core/trace/model';
import { captureOfChunks, connectCapture, connectExchange } from '../core/connect-fixture';

const ids = (cs: ConnectionCapture[]) => passiveFlags(analyzeWithView(cs, []), 5000).map((f) => f.id);

/** The page aborted the stream after its first `n` reads (connect-web's AbortSignal). */
function aborted(file: string, n: number, id: string): ConnectionCapture {
  const x = connectExchange(file);
  const c = captureOfChunks(x, x.chunks.slice(0, n).map((b) => Buffer.from(b, 'base64')), { end: 'client-abort' });
  c.summary.id = id;
  return c;
}

describe('Connect / gRPC-web in the verdict rules', () => {
  it.each(['connect-json.json', 'grpc-web-json.json', 'grpc-web-text-json.json'])('%s: a request-bound stream with nothing to resume from', (file) => {
    const c = connectCapture(file);
    const [a] = analyzeWithView([c], []);
    expect(a!.recognition.handles).toEqual([]);
    const flags = passiveFlags([a!], 5000);
    const bound = flags.find((f) => f.id === 'request-bound-stream');
    expect(bound?.evidence[0]!.label).toBe(`POST https://rpc.example.com/chat.v1.ChatService/Generate (${a!.recognition.name})`);
    // A finished stream closed by its end-of-stream status is no bare abort.
    expect(flags.map((f) => f.id)).not.toContain('bare-abort-stop');
  });

  it('a protobuf stream carries no text we can read: not taken for an AI answer, so not flagged', () => {
    const [a] = analyzeWithView([connectCapture('grpc-web-proto.json')], []);
    expect(a!.isAiStream).toBe(false);
    expect(passiveFlags([a!], 5000)).toEqual([]);
  });

  it('a stop that aborts the request mid-answer is a bare abort: Connect has no cancel message', () => {
    expect(ids([aborted('connect-json.json', 4, 'doc:a')])).toEqual(expect.arrayContaining(['request-bound-stream', 'bare-abort-stop']));
    expect(ids([aborted('grpc-web-json.json', 4, 'doc:b')])).toContain('bare-abort-stop');
  });

  it('second-tab cancel: tab B only aborting its own request is no explicit cancel, so FAIL', () => {
    const tabA = aborted('connect-json.json', 6, 'doc:ta');
    tabA.summary.endedAt = 500;
    const tabB = aborted('connect-json.json', 2, 'doc:tb');
    tabB.summary.endedAt = 480;
    const v = secondTabCancelVerdict({ tabA: analyzeWithView([tabA], []), tabB: analyzeWithView([tabB], []), stop: { found: true, enabled: true, label: 'Stop', pressedAt: 470 }, endedAt: 5000 });
    expect(v.verdict, v.reason).toBe('fail');
    expect(v.evidence.some((e) => e.label.startsWith('tab B sent an explicit cancel'))).toBe(false);
  });

  it('an error status ends the answer with that error, not as a cut-off stream', () => {
    const [a] = analyzeWithView([connectCapture('connect-json-error.json')], []);
    expect(a!.output.messages[0]!.error).toBe('resource_exhausted: the model ran out of quota mid-answer');
  });
});
