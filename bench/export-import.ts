/**
 * Export and import of a 100,000-event trace (one WebSocket connection, ~100-byte text frames)
 * with the core's functions, in Node: `exportTrace(...).chunks()` (JSON, redaction on, as the
 * panel exports), `exportHar` + `harChunks` (HAR), and `importTrace` of each file (it tells
 * JSON and HAR apart). Each operation runs in a fresh process (bench/export-worker.ts) so its
 * peak RSS is its own; reported: wall time, peak RSS and the RSS before the operation.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { summarize, type Summary } from './lib/stats';

export interface ExportImportResult {
  events: number;
  reps: number;
  ops: Record<string, { ms: Summary; peakRssMB: Summary; rssBeforeMB: Summary; bytes: number; ok: boolean; imported?: number; error?: string | null }>;
}

const WORKER = resolve(import.meta.dirname, 'export-worker.ts');
const TSX = resolve(import.meta.dirname, '../node_modules/tsx/dist/loader.mjs');

function runWorker(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', TSX, WORKER, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

export async function runExportImport(opts: { events: number; reps: number; log(s: string): void }): Promise<ExportImportResult> {
  const { events, reps, log } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'dsi-bench-export-'));
  const raw: Record<string, Record<string, unknown>[]> = {};
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const [op, args] of [
        ['export-json', ['export-json', String(events), join(dir, 'trace.json')]],
        ['import-json', ['import', String(events), join(dir, 'trace.json')]],
        ['export-har', ['export-har', String(events), join(dir, 'trace.har')]],
        ['import-har', ['import', String(events), join(dir, 'trace.har')]],
      ] as const) {
        const r = runWorker([...args]);
        (raw[op] ??= []).push(r);
        log(`  ${op} rep ${rep + 1}/${reps}: ${Number(r.ms).toFixed(0)} ms, peak RSS ${Number(r.peakRssMB).toFixed(0)} MB (before ${Number(r.rssBeforeMB).toFixed(0)} MB), ${(Number(r.bytes) / 2 ** 20).toFixed(1)} MB file${r.ok === false ? ` FAILED ${String(r.error)}` : ''}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ops: ExportImportResult['ops'] = {};
  for (const [op, rs] of Object.entries(raw)) {
    const last = rs.at(-1)!;
    ops[op] = {
      ms: summarize(rs.map((r) => Number(r.ms))),
      peakRssMB: summarize(rs.map((r) => Number(r.peakRssMB))),
      rssBeforeMB: summarize(rs.map((r) => Number(r.rssBeforeMB))),
      bytes: Number(last.bytes),
      ok: rs.every((r) => r.ok !== false),
      ...(op.startsWith('import') ? { imported: Number(last.imported), error: (last.error as string | null) ?? null } : {}),
    };
  }
  return { events, reps, ops };
}
