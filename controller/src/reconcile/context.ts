// What every reconciler gets: API access, the Event recorder, the controller's options, and the caches of other kinds.
import type { Logger } from "pino";
import type { StrategyOf } from "../builders/eventsource.js";
import type { EventBusOptions } from "../builders/eventbus.js";
import type { RuntimeOptions } from "../builders/types.js";
import type { Kube } from "../kube/client.js";
import type { EventRecorder } from "../kube/events.js";

export interface ControllerOptions extends RuntimeOptions, EventBusOptions {
  /** How each source type runs with several replicas. */
  strategyOf: StrategyOf;
  /** Source types the runtimes know, in registry order (status.sourceTypes). */
  sourceTypes: readonly string[];
}

export interface ReconcileContext {
  kube: Kube;
  recorder: EventRecorder;
  log: Logger;
  options: ControllerOptions;
  /** A fresh random token for a new EventBus auth Secret. */
  token(): string;
  now(): Date;
}

/** Returned by a reconciler: ask to be run again after a delay (e.g. while waiting for pods), or nothing. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}
