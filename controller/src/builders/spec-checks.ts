// The controller's checks past the schema and the pod template policy (name length, EventBus values written into
// nats.conf), exported on their own so `impulse lint` applies them without loading the controller.
import type { Finding, Resource } from "@impulse/api";
import { checkEventBus } from "./eventbus.js";
import { NAME_LIMIT } from "./validate.js";

/** What the controller would refuse in a resource the schema accepted. */
export function controllerChecks(r: Resource): Finding[] {
  const findings: Finding[] = [];
  if (typeof r.metadata?.name === "string" && r.metadata.name.length > NAME_LIMIT)
    findings.push({ path: "metadata.name", message: `must be at most ${NAME_LIMIT} characters (it becomes a label value)` });
  if (r.kind === "EventBus") findings.push(...checkEventBus(r));
  return findings;
}
