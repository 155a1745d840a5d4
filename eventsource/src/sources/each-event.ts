// Most source types run one reader per configured event: this starts them and joins them into one RunningSource.
import type { Emit, RunningSource, SourceContext } from "../define.js";

/**
 * Starts `startOne` for every event of the type. Ready when every reader is (one that fails to start fails it);
 * done when every started reader has stopped.
 */
export function startEachEvent<C>(
  ctx: SourceContext<C>,
  startOne: (eventName: string, config: C) => Promise<RunningSource> | RunningSource,
): RunningSource {
  const started = Promise.all([...ctx.events].map(async ([eventName, config]) => startOne(eventName, config)));
  return {
    ready: started.then((all) => Promise.all(all.map((s) => s.ready))).then(() => undefined),
    // A reader that never started has nothing to stop; the start error is reported through `ready`.
    done: started.then((all) => Promise.all(all.map((s) => s.done))).then(() => undefined, () => undefined),
  };
}

/** What every reader is handed from the runtime, to spread into its options next to its own settings. */
export function readerRuntime<C>(ctx: SourceContext<C>, emit: Emit, signal: AbortSignal) {
  return {
    eventSourceName: ctx.eventSourceName,
    emit,
    logger: ctx.logger,
    metrics: ctx.metrics,
    health: ctx.health,
    signal,
  };
}
