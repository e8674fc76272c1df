/** A set of listeners with an unsubscribe, as every adapter needs for its three kinds of news. */
export interface Listeners<A extends unknown[]> {
  add(listener: (...args: A) => void): () => void;
  emit(...args: A): void;
}

export function listeners<A extends unknown[]>(): Listeners<A> {
  const set = new Set<(...args: A) => void>();
  return {
    add(listener) {
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(...args) {
      for (const l of [...set]) l(...args);
    },
  };
}
