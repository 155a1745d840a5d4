import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatPath, parseResource } from "./validate.js";

const sensor = (spec: unknown, apiVersion = "impulse.dev/v1alpha1") => ({ apiVersion, kind: "Sensor", metadata: { name: "s" }, spec });
const okSpec = { dependencies: [{ name: "d", eventSourceName: "es", eventName: "e" }], triggers: [{ template: { name: "t", log: {} } }] };

describe("parseResource", () => {
  it("accepts impulse.dev and argoproj.io apiVersions and applies defaults", () => {
    for (const v of ["impulse.dev/v1alpha1", "argoproj.io/v1alpha1"]) {
      const r = parseResource(sensor(okSpec, v));
      assert.ok(r.ok);
      assert.equal(r.ok && r.resource.kind === "Sensor" && r.resource.spec.eventBusName, "default");
    }
    const bad = parseResource(sensor(okSpec, "example.com/v1"));
    assert.ok(!bad.ok && bad.errors[0]!.path === "apiVersion");
  });

  it("names the path of every error", () => {
    const r = parseResource(
      sensor({ dependencies: [{ name: "d", eventName: "e" }], triggers: [{ template: { name: "t", http: { url: "ftp://x" } } }] }),
    );
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => e.path).sort(), ["spec.dependencies[0].eventSourceName", "spec.triggers[0].template.http.url"]);
  });

  it("reports unknown fields as warnings and still accepts the resource", () => {
    const r = parseResource(sensor({ ...okSpec, triggers: [{ template: { name: "t", log: {}, atLeastOnce: true } }], extra: 1 }));
    assert.ok(r.ok);
    assert.deepEqual(r.warnings.map((w) => w.path).sort(), ["spec.extra", "spec.triggers[0].template.atLeastOnce"]);
  });

  it("calls an Argo trigger kind or source type Impulse lacks an error, not an unknown field", () => {
    const r = parseResource(sensor({ ...okSpec, triggers: [{ template: { name: "t", openWhisk: { actionName: "f" } } }] }));
    assert.ok(!r.ok);
    assert.equal(r.errors[0]!.path, "spec.triggers[0].template.openWhisk");
    assert.match(r.errors[0]!.message, /not supported yet/);
    const es = parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "k" }, spec: { mns: { a: {} } } });
    assert.ok(!es.ok && es.errors.some((e) => e.path === "spec.mns"));
  });

  it("checks an EventSource filter.expression's syntax and names its path", () => {
    const es = (expression: string) =>
      parseResource({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name: "w" }, spec: { webhook: { e: { port: "12000", endpoint: "/e", filter: { expression } } } } });
    assert.ok(es("body.id == 4 and body.name != 'Joe'").ok);
    const bad = es("body.id ==");
    assert.ok(!bad.ok);
    assert.equal(bad.errors[0]!.path, "spec.webhook.e.filter.expression");
    assert.match(bad.errors[0]!.message, /not a valid expression/);
  });

  it("rejects duplicate names and a template with two trigger kinds", () => {
    const r = parseResource(
      sensor({
        dependencies: [okSpec.dependencies[0], okSpec.dependencies[0]],
        triggers: [{ template: { name: "t", log: {}, http: { url: "http://x" } } }],
      }),
    );
    assert.ok(!r.ok);
    assert.ok(r.errors.some((e) => e.path === "spec.dependencies[1].name" && /duplicate/.test(e.message)));
    assert.ok(r.errors.some((e) => e.path === "spec.triggers[0].template" && /exactly one/.test(e.message)));
  });

  it("validates webhook ports and normalises method case", () => {
    const es = (port: unknown) =>
      parseResource({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name: "w" }, spec: { webhook: { e: { port, endpoint: "/x", method: "post" } } } });
    const ok = es("12000");
    assert.ok(ok.ok && ok.resource.kind === "EventSource" && ok.resource.spec.webhook!["e"]!.method === "POST");
    const bad = es("99999");
    assert.ok(!bad.ok && bad.errors[0]!.path === "spec.webhook.e.port");
  });

  it("formats paths with indices and odd keys", () => {
    assert.equal(formatPath(["spec", "triggers", 0, "template"]), "spec.triggers[0].template");
    assert.equal(formatPath(["spec", "webhook", "a b"]), 'spec.webhook["a b"]');
  });
});
