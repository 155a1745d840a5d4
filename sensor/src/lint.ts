// Every check the Sensor runtime makes before it starts, in one pass: filters, expressions, templates,
// dependency and condition names, Lua and jq programs. For `impulse lint`.
import type { Finding, Sensor } from "@impulse/api";
import { checkScripts, compileSensor } from "./compile.js";
import type { MessageCatalog } from "./notify/catalog.js";

/**
 * Findings of compiling a Sensor and its programs. `partial` marks a sensor made of the valid parts of a spec that
 * has schema errors: the parts left out are not reported again. `templates`: the message templates a trigger may name.
 */
export async function lintSensor(sensor: Sensor, partial = false, templates?: MessageCatalog): Promise<Finding[]> {
  if (!sensor.spec) return [];
  const { errors, scripts } = compileSensor(sensor, { partial, templates });
  for (const err of await checkScripts(scripts)) {
    const i = err.indexOf(": ");
    errors.push({ path: err.slice(0, i), message: err.slice(i + 2) });
  }
  return errors;
}
