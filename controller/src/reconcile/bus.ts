// Reads the EventBus an EventSource or Sensor names, and turns its status into BusReady and a connection.
import type { BusConnection, CustomResource } from "../builders/types.js";
import { conditionOf, READY, type Condition, type ConditionInput } from "../conditions.js";
import { pathFor } from "../kube/client.js";
import type { ReconcileContext } from "./context.js";

export interface BusLookup {
  condition: ConditionInput;
  /** Set once the EventBus published a connection, even if it is not Ready yet (runtimes retry until it is). */
  connection?: BusConnection;
}

/** status.config.jetstream as the EventBus reconciler writes it. */
export function connectionOf(bus: CustomResource): BusConnection | undefined {
  const js = (bus.status?.["config"] as { jetstream?: BusConnection } | undefined)?.jetstream;
  return js?.url ? js : undefined;
}

export async function lookupBus(ctx: ReconcileContext, namespace: string, busName: string): Promise<BusLookup> {
  const type = "BusReady";
  const bus = await ctx.kube.get<CustomResource>(pathFor("EventBus", namespace, busName));
  if (!bus) return { condition: { type, status: "False", reason: "EventBusNotFound", message: `EventBus ${busName} does not exist in namespace ${namespace}` } };
  const connection = connectionOf(bus);
  if (!connection)
    return { condition: { type, status: "False", reason: "EventBusNotConfigured", message: `EventBus ${busName} has no connection yet (status.config.jetstream.url)` } };
  const ready = conditionOf(bus.status?.["conditions"] as Condition[] | undefined, READY);
  if (ready?.status !== "True")
    return { connection, condition: { type, status: "False", reason: "EventBusNotReady", message: `EventBus ${busName} is not ready${ready ? `: ${ready.message}` : ""}` } };
  return { connection, condition: { type, status: "True", reason: "EventBusReady", message: `EventBus ${busName} is ready` } };
}
