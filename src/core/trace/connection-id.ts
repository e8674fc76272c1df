/**
 * A connection's id within a tab: the relay's document id, then the hook's own id,
 * `<docId>:<conn>`. The document part keeps two frames (or a page forging records) from
 * colliding with another document's connections; the trace format stores the joined string.
 *
 * Document ids are the relay's random UUIDs and never contain ':', while a hook id may
 * (a forged record's id is kept, behind `untrusted~`), so the id is split at its first ':'.
 */

export interface ConnectionIdParts {
  docId: string;
  conn: string;
}

export function connectionId(docId: string, conn: string): string {
  return `${docId}:${conn}`;
}

/** The document and hook ids of a connection id; null for an id without a document part. */
export function parseConnectionId(id: string): ConnectionIdParts | null {
  const colon = id.indexOf(':');
  return colon < 0 ? null : { docId: id.slice(0, colon), conn: id.slice(colon + 1) };
}
