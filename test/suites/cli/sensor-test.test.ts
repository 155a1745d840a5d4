// `impulse sensor test`: explains per event which dependency matched and which trigger would fire, firing nothing.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../kit/cli.js";

const dir = mkdtempSync(join(tmpdir(), "impulse-sensor-test-"));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
const ce = (id: string, source: string, data: unknown) => ({ specversion: "1.0", id, source, subject: "e", type: "webhook", time: "2026-11-22T10:00:00Z", data });

describe("impulse sensor test", () => {
  it("explains the documented example in human form (docs/cli.md)", () => {
    const r = runCli(["sensor", "test", "manifests/examples/http-trigger/sensor.yaml", "--event", "docs/examples/order-small.json", "docs/examples/order-large.json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dependency order: not matched: data body\.amount >= \["100"\] did not match \(got 20\)/);
    assert.match(r.stdout, /trigger notify-billing: FIRES: condition satisfied by order/);
    assert.match(r.stdout, /payload: {2}\{"orderId":"o-2","amount":150,"team":"shop","eventId":"order-2"\}/);
  });

  it("prints the JSON report, accumulating a condition across events", () => {
    const sensor = file("and.yaml", {
      apiVersion: "impulse.dev/v1alpha1",
      kind: "Sensor",
      metadata: { name: "pair" },
      spec: {
        dependencies: [
          { name: "a", eventSourceName: "src-a", eventName: "e" },
          { name: "b", eventSourceName: "src-b", eventName: "e", filters: { data: [{ path: "body.ok", type: "bool", value: ["true"] }] } },
        ],
        triggers: [{ template: { name: "both", http: { url: "http://example.invalid/x", payload: [{ src: { dependencyName: "a", dataKey: "body.v" }, dest: "a" }] } } }],
      },
    });
    const events = [file("1.json", ce("1", "src-a", { body: { v: "x" } })), file("2.json", ce("2", "src-b", { body: {} })), file("3.json", ce("3", "src-b", { body: { ok: true } }))];
    const r = runCli(["sensor", "test", sensor, "--json", "--event", ...events]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { sensor: string; steps: { event: unknown; dependencies: { name: string; matched: boolean; reason: string; error: string | null }[]; triggers: { name: string; fired: boolean; reason: string; resolved: { template: unknown; payload: unknown; resource: unknown } }[] }[] };
    assert.equal(out.sensor, "pair");
    assert.equal(out.steps.length, 3);
    assert.deepEqual(out.steps[0]!.event, { id: "1", source: "src-a", subject: "e" });
    assert.equal(out.steps[0]!.triggers[0]!.fired, false);
    assert.match(out.steps[0]!.triggers[0]!.reason, /waiting for b/);
    assert.deepEqual(out.steps[0]!.triggers[0]!.resolved, { template: null, payload: null, resource: null });
    assert.equal(out.steps[1]!.dependencies[0]!.matched, false);
    assert.equal(out.steps[1]!.dependencies[0]!.error, "data path body.ok not found");
    const last = out.steps[2]!.triggers[0]!;
    assert.equal(last.fired, true);
    assert.deepEqual(last.resolved.payload, { a: "x" });
    assert.equal((last.resolved.template as { name: string }).name, "both");
    assert.equal(last.resolved.resource, null);
  });

  it("exits 2 naming the path of an invalid event or Sensor", () => {
    const bad = file("bad.json", { specversion: "1.0", id: "x", subject: "e", type: "t" });
    const r = runCli(["sensor", "test", "manifests/examples/http-trigger/sensor.yaml", "--event", bad]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /event\[0\]\.source: /);
    const badSensor = file("bad.yaml", "apiVersion: impulse.dev/v1alpha1\nkind: Sensor\nmetadata: {name: x}\nspec:\n  dependencies: [{name: d, eventName: e}]\n  triggers: [{template: {name: t, log: {}}}]\n");
    const r2 = runCli(["sensor", "test", badSensor, "--event", "docs/examples/order-small.json"]);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /spec\.dependencies\[0\]\.eventSourceName/);
  });
});
