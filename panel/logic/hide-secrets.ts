/**
 * "Hide secrets": while it is on, every view masks what an export would redact (credentials,
 * keys, tokens, by name and by shape), for a screen that is shared or recorded. It is one
 * switch for the whole panel, kept while the panel is open; copies made while it is on copy
 * what is shown.
 */
import { signal } from '@preact/signals';
import { compileRedaction, redactText } from '../../src/core/export/redact';
import type { EventRow } from './rows';
import type { ConversationMessage, Part } from '../../src/core/reassembly/conversation';
import { readArgs } from '../../src/core/reassembly/tool-args';

export const hideSecrets = signal(false);

const compiled = compileRedaction();

/** `text` as the views show it: masked while secrets are hidden. */
export function shownText(text: string, hide = hideSecrets.value): string {
  return hide ? redactText(text, compiled).text : text;
}

/**
 * An event row as the views show it. Text payloads are masked (and their JSON view is parsed
 * from the masked text); binary payloads are shown as they are, as exports keep them.
 */
export function shownRow(row: EventRow, hide = hideSecrets.value): EventRow {
  if (!hide || row.text === null) return row;
  const text = shownText(row.text, true);
  if (text === row.text) return row;
  return { ...row, text, json: undefined };
}

/**
 * A conversation message as the views show it. Text and reasoning are masked whole (a secret
 * can straddle spans) and keep one span, so their parts still link to their first event; tool
 * arguments and results are masked and read again.
 */
export function shownMessage(m: ConversationMessage, hide = hideSecrets.value): ConversationMessage {
  if (!hide) return m;
  const parts: Part[] = m.parts.map((p) => {
    switch (p.kind) {
      case 'text':
      case 'reasoning': {
        const text = shownText(p.text, true);
        if (text === p.text) return p;
        return { ...p, text, spans: p.spans.length > 0 ? [{ ...p.spans[0]!, start: 0, end: text.length }] : [] };
      }
      case 'tool-call': {
        const argsText = shownText(p.argsText, true);
        const result = p.result && { ...p.result, output: shownText(p.result.output, true) };
        return { ...p, argsText, args: argsText === p.argsText ? p.args : readArgs(argsText, p.complete), result };
      }
      case 'source':
        return p.url === undefined ? p : { ...p, url: shownText(p.url, true) };
    }
  });
  return { ...m, parts };
}
