/**
 * `--mock FILE [--mock-url "[METHOD ]URL"]`: the file read and compiled, or what is wrong with
 * it. A saved mock with a `transport` compiles to a WebSocket or EventSource recording.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { compileAnyMock, loadMockFile, MAX_MOCK_FILE, type Parsed } from '../core/mock';
import type { AnyRecording } from '../core/replay/any';

export async function readMockFile(file: string, mockUrl: string | null): Promise<Parsed<{ name: string; recording: AnyRecording }>> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_MOCK_FILE) return { ok: false, error: `${file} is larger than ${MAX_MOCK_FILE} bytes` };
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, error: `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  let method: string | undefined;
  let url: string | undefined;
  if (mockUrl !== null) {
    const m = /^(?:([A-Za-z]{1,16})\s+)?(\S+)$/.exec(mockUrl.trim());
    if (!m) return { ok: false, error: `--mock-url takes "[METHOD ]URL", got ${JSON.stringify(mockUrl)}` };
    method = m[1];
    url = m[2];
  }
  const loaded = loadMockFile(basename(file), text, { url, method, name: basename(file) });
  if (!loaded.ok) return { ok: false, error: `${file}: ${loaded.error}` };
  return { ok: true, value: { name: loaded.value.name, recording: compileAnyMock(loaded.value) } };
}
