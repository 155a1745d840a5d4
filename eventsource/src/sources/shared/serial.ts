// Hands callback-delivered messages (pub/sub clients) to an async handler one at a time, in arrival order.
export interface SerialQueue<T> {
  push(item: T): void;
  /** Resolves once everything pushed so far was handled. */
  idle(): Promise<void>;
  readonly length: number;
}

/** A handler that throws is the caller's bug: it is reported to `onError` and the queue goes on. */
export function serialQueue<T>(handle: (item: T) => Promise<void>, onError: (e: unknown) => void): SerialQueue<T> {
  const items: T[] = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (items.length > 0) {
      const item = items.shift()!;
      try {
        await handle(item);
      } catch (e) {
        onError(e);
      }
    }
    running = undefined;
  };
  return {
    push(item) {
      items.push(item);
      running ??= drain();
    },
    idle: () => running ?? Promise.resolve(),
    get length() {
      return items.length;
    },
  };
}
