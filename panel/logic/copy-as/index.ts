/**
 * The "Copy as …" formats DevTools offers, each quoted for where it is pasted.
 *
 * DevTools copies verbatim; this panel redacts by default (secrets become [REDACTED], by the
 * export rules) and offers each format again "(with secrets)". A copied command is pasted into
 * bug reports and chats as often as a trace is shared, and exports here promise redaction by
 * default; the unredacted variant is one explicit click away for replaying a request locally.
 */
import { redactRequest } from '../../../src/core/export/redact';
import { toCurlBash } from './bash';
import { toCurlCmd } from './cmd';
import { toFetch } from './fetch';
import { toPowerShell } from './powershell';
import type { CopyRequest } from './request';

export type { CopyRequest } from './request';
export type CopyFormat = 'curl-bash' | 'curl-cmd' | 'powershell' | 'fetch';

const FORMATS: { format: CopyFormat; label: string; what: string; build: (r: CopyRequest) => string }[] = [
  // Labelled as DevTools does outside Windows; the panel has always called it "Copy as cURL".
  { format: 'curl-bash', label: 'Copy as cURL', what: 'cURL command', build: toCurlBash },
  { format: 'curl-cmd', label: 'Copy as cURL (cmd)', what: 'cURL (cmd) command', build: toCurlCmd },
  { format: 'powershell', label: 'Copy as PowerShell', what: 'PowerShell command', build: toPowerShell },
  { format: 'fetch', label: 'Copy as fetch', what: 'fetch call', build: toFetch },
];

export interface CopyAction {
  format: CopyFormat;
  secrets: boolean;
  label: string;
  /** For the confirmation: "Copied cURL command". */
  what: string;
}

/** Every format redacted, then every format with secrets. */
export const COPY_ACTIONS: readonly CopyAction[] = [
  ...FORMATS.map((f) => ({ format: f.format, secrets: false, label: f.label, what: f.what })),
  ...FORMATS.map((f) => ({ format: f.format, secrets: true, label: `${f.label} (with secrets)`, what: `${f.what} with secrets` })),
];

export function copyCommand(req: CopyRequest, format: CopyFormat, secrets = false): string {
  const f = FORMATS.find((x) => x.format === format)!;
  return f.build(secrets ? req : redactRequest(req));
}
