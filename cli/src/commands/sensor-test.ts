// `impulse sensor test`: dry-runs events through a Sensor and explains every decision; nothing is executed.
import { readFileSync } from "node:fs";
import { formatPath, StructuredCloudEvent, toImpulseEvent, type ImpulseEvent, type Sensor } from "@impulse/api";
import { checkScripts, compileSensor, dryRun, type DryRunStep } from "@impulse/sensor";
import { formatFindings, loadResources } from "../load.js";

class UsageError extends Error {}

function loadSensor(file: string): Sensor {
  const docs = loadResources([file]);
  const { text, errorCount } = formatFindings(docs);
  if (errorCount) throw new UsageError(text);
  const sensors = docs.map((d) => d.resource).filter((r): r is Sensor => r?.kind === "Sensor");
  if (sensors.length !== 1) throw new UsageError(`${file}: expected exactly one Sensor, found ${sensors.length}`);
  return sensors[0]!;
}

function loadEvent(file: string, index: number): ImpulseEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const r = StructuredCloudEvent.safeParse(raw);
  if (!r.success) throw new UsageError(r.error.issues.map((i) => `${file}: event[${index}].${formatPath(i.path)}: ${i.message}`).join("\n"));
  return toImpulseEvent(r.data);
}

function human(sensor: string, steps: DryRunStep[]): string {
  const out = [`sensor ${sensor}`];
  steps.forEach((s, i) => {
    out.push("", `event ${i + 1}: ${s.event.id} (source ${s.event.source}, subject ${s.event.subject})`);
    if (s.dependencies.length === 0) out.push("  no dependency listens to this source and subject");
    for (const d of s.dependencies) out.push(`  dependency ${d.name}: ${d.matched ? "matched" : `not matched: ${d.reason}`}${d.error ? " (filter error)" : ""}`);
    for (const t of s.triggers) {
      out.push(`  trigger ${t.name}: ${t.fired ? "FIRES" : "does not fire"}: ${t.reason}`);
      if (t.fired && t.resolved.template) out.push(`    template: ${JSON.stringify(t.resolved.template)}`);
      if (t.fired && t.resolved.payload !== null) out.push(`    payload:  ${JSON.stringify(t.resolved.payload)}`);
    }
  });
  return out.join("\n");
}

/** Exit 0 after an evaluation, 2 when the Sensor or an event is invalid. */
export async function sensorTest(file: string, eventFiles: string[], opts: { json?: boolean }): Promise<number> {
  try {
    const sensor = loadSensor(file);
    const events = eventFiles.map(loadEvent);
    const { sensor: compiled, errors } = compileSensor(sensor);
    if (!compiled) throw new UsageError(errors.map((e) => `${file}: Sensor/${sensor.metadata.name}: ${e.path}: ${e.message}`).join("\n"));
    const scriptErrors = await checkScripts(compiled);
    if (scriptErrors.length) throw new UsageError(scriptErrors.map((e) => `${file}: Sensor/${sensor.metadata.name}: ${e}`).join("\n"));
    const steps = await dryRun(compiled, events);
    console.log(opts.json ? JSON.stringify({ sensor: sensor.metadata.name, steps }, null, 2) : human(sensor.metadata.name, steps));
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    return 2;
  }
}
