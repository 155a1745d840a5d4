// The Sensor's logger: spec.loggingFields (Argo) on every line it writes, under the names Impulse sets itself.
import type { Sensor } from "@impulse/api";
import type { Logger } from "pino";

/** A child logger carrying the Sensor's loggingFields; sensorName always wins over a loggingField of that name. */
export function sensorLogger(base: Logger, resource: Sensor): Logger {
  return base.child({ ...(resource.spec.loggingFields ?? {}), sensorName: resource.metadata.name });
}
