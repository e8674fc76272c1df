/**
 * Tool-call arguments as the model streamed them: the text is kept exactly, and read as JSON
 * only when it parses. A call cut off mid-stream has partial JSON; a finished one that still
 * does not parse is invalid. Both are shown raw and flagged, never repaired.
 */

export const ARGS_STATES = ['empty', 'json', 'partial', 'invalid'] as const;
export type ArgsState = (typeof ARGS_STATES)[number];

export type ToolArgs =
  | { state: 'empty' }
  | { state: 'json'; value: unknown }
  /** The call never completed and its text is not (yet) JSON. */
  | { state: 'partial'; error: string }
  /** The call completed and its text is not JSON. */
  | { state: 'invalid'; error: string };

export function readArgs(text: string, complete: boolean): ToolArgs {
  if (text.trim() === '') return { state: 'empty' };
  try {
    return { state: 'json', value: JSON.parse(text) as unknown };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return complete ? { state: 'invalid', error } : { state: 'partial', error };
  }
}

/** A tool's output as a JSON value when it is JSON text for an object or array, else null. */
export function structuredOutput(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return null;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return null;
  }
}
