// The generated CRDs: structural, descriptive, typed where zod is, and small enough for client-side apply.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCrds } from "./crds.js";
import { structuralViolations } from "./check.js";
import type { JSONSchemaProps } from "./types.js";

const built = buildCrds();
const byKind = (k: string) => built.find((b) => b.crd.spec.names.kind === k)!;
const root = (k: string) => byKind(k).crd.spec.versions[0]!.schema.openAPIV3Schema;
const at = (s: JSONSchemaProps, path: string): JSONSchemaProps =>
  path.split(".").reduce<JSONSchemaProps>((n, p) => {
    if (p === "[]") return n.items!;
    if (p === "*") return n.additionalProperties!;
    const next = n.properties?.[p];
    assert.ok(next, `no field ${p} in ${path}`);
    return next;
  }, s);

/** kubectl apply keeps the whole object as JSON in the last-applied-configuration annotation, limited to 256 KiB. */
const ANNOTATION_LIMIT = 256 * 1024;

describe("generated CRDs", () => {
  it("defines EventBus, EventSource and Sensor in impulse.dev/v1alpha1 with short names, categories and a status subresource", () => {
    assert.deepEqual(built.map((b) => [b.crd.metadata.name, b.crd.spec.names.shortNames]), [
      ["eventbuses.impulse.dev", ["eb"]],
      ["eventsources.impulse.dev", ["es"]],
      ["sensors.impulse.dev", ["sn"]],
    ]);
    for (const b of built) {
      const [v] = b.crd.spec.versions;
      assert.equal(b.crd.spec.versions.length, 1);
      assert.deepEqual([v!.name, v!.served, v!.storage, v!.subresources], ["v1alpha1", true, true, { status: {} }]);
      assert.equal(b.crd.spec.scope, "Namespaced");
      assert.ok(b.crd.spec.names.categories.includes("impulse"));
      assert.deepEqual(v!.additionalPrinterColumns.slice(-3).map((c) => c.name), ["Ready", "Reason", "Age"]);
    }
  });

  it("is a structural schema the API server accepts", () => {
    for (const b of built) assert.deepEqual(structuralViolations(root(b.crd.spec.names.kind)), [], b.crd.metadata.name);
  });

  it("stays well below the 256 KiB client-side-apply annotation limit", () => {
    for (const b of built) {
      const size = Buffer.byteLength(JSON.stringify(b.crd));
      assert.ok(size < ANNOTATION_LIMIT / 2, `${b.crd.metadata.name} is ${size} bytes of JSON; keep it under half the limit`);
    }
  });

  it("keeps zod's types, descriptions, enums and defaults", () => {
    const sensor = root("Sensor");
    assert.match(at(sensor, "spec.triggers").description!, /dependencies are satisfied/);
    assert.equal(at(sensor, "spec.triggers.[].template.http.url").type, "string");
    assert.deepEqual(at(sensor, "spec.dependencies.[].filters.data.[].type").enum, ["string", "number", "bool"]);
    assert.equal(at(sensor, "spec.eventBusName").default, "default");
    assert.deepEqual(at(sensor, "spec.triggers").minItems, 1);
    assert.deepEqual(at(sensor, "spec.dependencies.[]").required, ["name", "eventSourceName", "eventName"]);
    // Duration: an integer number of nanoseconds or a Go duration string.
    assert.equal(at(sensor, "spec.triggers.[].retryStrategy.duration")["x-kubernetes-int-or-string"], true);
    const es = root("EventSource");
    assert.deepEqual(at(es, "spec.webhook.*").required, ["endpoint", "port"]);
    assert.equal(at(es, "spec.webhook.*.port")["x-kubernetes-int-or-string"], true);
    assert.equal(at(es, "spec.template")["x-kubernetes-preserve-unknown-fields"], true);
    // streamConfig is a mapping or Argo's YAML string: open in the CRD, checked field by field by Impulse.
    assert.equal(at(root("EventBus"), "spec.jetstream.streamConfig")["x-kubernetes-preserve-unknown-fields"], true);
    assert.deepEqual(at(root("EventBus"), "spec.jetstream.persistence.accessMode").enum, ["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"]);
  });

  it("loses type information only where Kubernetes cannot say it: number-or-string amounts, int-or-string constraints, event-name patterns, the recursive dlqTrigger, streamConfig's string form", () => {
    const streamConfig = (l: { path: string; detail: string }) => /\.streamConfig$/.test(l.path) && l.detail === "union of string | object";
    const unexpected = built.flatMap((b) =>
      b.losses.filter(
        (l) => !(l.what === "int-or-string" || l.what === "cycle" || l.what === "propertyNames" || (l.what === "open" && (l.detail === "union of number | string" || streamConfig(l)))),
      ),
    );
    assert.deepEqual(unexpected, []);
    const dlq = at(root("Sensor"), "spec.triggers.[].dlqTrigger");
    assert.equal(dlq["x-kubernetes-preserve-unknown-fields"], true);
    assert.equal(dlq.type, "object");
  });

  it("gives status the conditions list the controller writes, keyed by type, and the fields the printer columns read", () => {
    for (const b of built) {
      const status = root(b.crd.spec.names.kind).properties!["status"]!;
      assert.equal(status["x-kubernetes-preserve-unknown-fields"], true);
      assert.deepEqual(at(status, "conditions")["x-kubernetes-list-map-keys"], ["type"]);
      for (const c of b.crd.spec.versions[0]!.additionalPrinterColumns.filter((c) => c.jsonPath.startsWith(".status.") && !c.jsonPath.includes("conditions")))
        assert.ok(at(status, c.jsonPath.slice(".status.".length)), c.jsonPath);
    }
    assert.deepEqual(byKind("Sensor").crd.spec.versions[0]!.additionalPrinterColumns.map((c) => c.jsonPath).slice(0, 2), [".status.dependencyCount", ".status.triggerCount"]);
    assert.equal(byKind("EventSource").crd.spec.versions[0]!.additionalPrinterColumns[0]!.jsonPath, ".status.sourceTypes");
  });
});
