/** Writes captured sessions as a trace file (our JSON format, redacted) from Node. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportTrace, type ExportSession } from '../core/export';
import type { Flag } from '../core/analysis/types';
import pkg from '../../package.json' with { type: 'json' };

export async function writeTraceFile(file: string, sessions: ExportSession[], env: { pageUrl: string; browser: string; flags: Flag[] }): Promise<{ redacted: number }> {
  const { chunks, report } = exportTrace({
    sessions,
    environment: { browser: env.browser, extensionVersion: pkg.version, pageUrl: env.pageUrl },
    flags: env.flags,
  });
  const out = createWriteStream(file);
  for (const piece of chunks()) if (!out.write(piece)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return { redacted: report.count };
}
