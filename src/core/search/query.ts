/**
 * A search query as the user typed it (text or a regular expression, case-sensitive or not),
 * compiled once into a global RegExp, or a sentence saying why it cannot be: an invalid
 * pattern is a message in the search box, never a throw.
 */
export interface QueryOptions {
  regex?: boolean;
  caseSensitive?: boolean;
}

export type CompiledQuery = { ok: true; pattern: RegExp } | { ok: false; error: string };

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Null for an empty query (nothing to search). */
export function compileQuery(query: string, options: QueryOptions = {}): CompiledQuery | null {
  if (query === '') return null;
  const flags = options.caseSensitive ? 'g' : 'gi';
  let pattern: RegExp;
  try {
    pattern = new RegExp(options.regex ? query : escapeRegExp(query), flags);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    return { ok: false, error: `Not a valid regular expression: ${why}` };
  }
  // A pattern that matches empty text would "find" every event without showing anything.
  pattern.lastIndex = 0;
  if (pattern.test('')) return { ok: false, error: 'This pattern matches empty text, so it would match everywhere; make it match at least one character.' };
  pattern.lastIndex = 0;
  return { ok: true, pattern };
}
