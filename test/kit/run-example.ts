// Runs an example's eventsource.yaml and sensor.yaml (manifests/examples/<name>) as `impulse` processes, as pods run them.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, startRuntime, type CliProcess } from "./cli.js";
import { adaptExample } from "./examples.js";

/** Each replacement must match in the file it names (or either file when no file is named): an example cannot drift from its test. */
export async function runExample(
  name: string,
  replacements: { eventsource?: [string, string][]; sensor?: [string, string][] },
  o: { natsUrl: string; namespace: string; procs: CliProcess[] },
): Promise<{ eventsource: CliProcess & { metricsPort: number }; sensor: CliProcess & { metricsPort: number } }> {
  const dir = mkdtempSync(join(tmpdir(), `impulse-example-${name}-`));
  const example = join(repoRoot, "manifests/examples", name);
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), replacements.eventsource ?? []);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), replacements.sensor ?? []);
  const common = ["--nats-url", o.natsUrl, "--namespace", o.namespace, "--log-level", "warn"];
  // The Sensor first: its durable must exist before the first event is published.
  const started = o.procs.length;
  try {
    const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), common, o.procs);
    const eventsource = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, o.procs);
    return { eventsource, sensor };
  } catch (e) {
    const output = o.procs.slice(started).map((p) => p.output().slice(-3000)).join("\n---\n");
    throw new Error(`${(e as Error).message}\n${output}`);
  }
}
