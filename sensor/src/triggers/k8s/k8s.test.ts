// Unit tests for the k8s trigger's pure parts: object checks, labels, Argo's update merge, error wording, schema rules.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCodes, K8sTriggerTemplate, parseResource, type ImpulseEvent } from "@impulse/api";
import { apiVersionPath, retryableStatus, statusMessage } from "./client.js";
import { asKubeObject, creationLabels, labelValue, mergeObjects, parseObject, requireName, withParameters, LABEL_IDEMPOTENCY } from "./object.js";
import { missingLabels } from "./policy.js";
import { previewObject } from "./index.js";

const event = (data: unknown): ImpulseEvent =>
  ({ id: "e1", source: "hooks", subject: "order", type: "webhook", specversion: "1.0", datacontenttype: "application/json", time: "2026-01-01T00:00:00Z", data }) as ImpulseEvent;

describe("k8s object", () => {
  it("requires apiVersion, kind and a metadata mapping, naming where", () => {
    assert.throws(() => asKubeObject([], "source.inline"), /source\.inline: the object must be a mapping, got a list/);
    assert.throws(() => asKubeObject({ kind: "ConfigMap" }, "x"), /apiVersion is missing/);
    assert.throws(() => asKubeObject({ apiVersion: "v1" }, "x"), /kind is missing/);
    assert.deepEqual(asKubeObject({ apiVersion: "v1", kind: "ConfigMap" }, "x").metadata, {});
    assert.throws(() => parseObject("a: [", "source.inline"), (e: Error & { code?: string }) => e.code === ErrorCodes.InvalidSpec && /not valid YAML/.test(e.message));
    assert.equal(parseObject("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "x").metadata.name, "a");
    assert.throws(() => requireName(asKubeObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "a-" } }, "x"), "delete"), /operation delete needs metadata\.name/);
  });

  it("applies parameters with dest paths into the object, as Argo does", () => {
    const t = K8sTriggerTemplate.parse({
      source: { resource: { apiVersion: "batch/v1", kind: "Job", metadata: { generateName: "run-" }, spec: { template: { spec: { containers: [{ name: "c", args: ["x"] }] } } } } },
      parameters: [
        { src: { dependencyName: "d", dataKey: "body.arg" }, dest: "spec.template.spec.containers.0.args.0" },
        { src: { dependencyName: "d", dataKey: "body.team" }, dest: "metadata.labels.team" },
      ],
    });
    const obj = withParameters(asKubeObject(structuredClone(t.source.resource), "x"), t, { d: event({ body: { arg: "--fast", team: "shop" } }) });
    assert.deepEqual((obj as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]!.args, ["--fast"]);
    assert.deepEqual(obj.metadata.labels, { team: "shop" });
    assert.equal((t.source.resource!.metadata as { labels?: unknown }).labels, undefined, "the template is not modified");
    assert.deepEqual(previewObject(t, { d: event({ body: { arg: "a", team: "b" } }) }), {
      ...t.source.resource,
      metadata: { generateName: "run-", labels: { team: "b" } },
      spec: { template: { spec: { containers: [{ name: "c", args: ["a"] }] } } },
    });
  });

  it("makes any name a valid label value", () => {
    assert.equal(labelValue("orders"), "orders");
    assert.equal(labelValue("notify billing!"), "notify-billing");
    assert.equal(labelValue("-x-"), "x");
    assert.equal(labelValue("a".repeat(70)).length, 63);
    assert.equal(labelValue(""), "");
    const l = creationLabels("my sensor", "t", "abc123", 1700000000000);
    assert.deepEqual(l, { "impulse.dev/sensor": "my-sensor", "impulse.dev/trigger": "t", "impulse.dev/action-timestamp": "1700000000000", [LABEL_IDEMPOTENCY]: "abc123" });
  });

  it("merges like Argo's update: maps key by key, lists and scalars replaced, nulls skipped", () => {
    const live = { metadata: { name: "a", resourceVersion: "7", labels: { x: "1" } }, data: { a: "1", b: "2" }, list: [1, 2] };
    const merged = mergeObjects(live, { metadata: { labels: { y: "2" } }, data: { b: "3", c: null }, list: [9] });
    assert.deepEqual(merged, { metadata: { name: "a", resourceVersion: "7", labels: { x: "1", y: "2" } }, data: { a: "1", b: "3" }, list: [9] });
    assert.deepEqual(live.data, { a: "1", b: "2" }, "inputs are not modified");
  });
});

describe("k8s API errors", () => {
  it("keeps the API server's reason and message", () => {
    const body = JSON.stringify({ kind: "Status", status: "Failure", reason: "Forbidden", message: 'configmaps is forbidden: User "u" cannot create resource "configmaps"', code: 403 });
    assert.deepEqual(statusMessage(403, body), { reason: "Forbidden", message: '403 Forbidden: configmaps is forbidden: User "u" cannot create resource "configmaps"' });
    assert.deepEqual(statusMessage(502, "bad gateway"), { reason: undefined, message: "502: bad gateway" });
  });

  it("retries conflicts, throttling and server errors only", () => {
    for (const s of [400, 401, 403, 404, 405, 415, 422]) assert.equal(retryableStatus(s), false, String(s));
    for (const s of [409, 429, 500, 503]) assert.equal(retryableStatus(s), true, String(s));
    assert.equal(apiVersionPath("v1"), "/api/v1");
    assert.equal(apiVersionPath("batch/v1"), "/apis/batch/v1");
  });

  it("names the labels policy.k8s still waits for", () => {
    assert.deepEqual(missingLabels({ a: "1", b: "2" }, { a: "1", b: "3", c: "x" }), ["b", "c"]);
    assert.deepEqual(missingLabels(undefined, {}), []);
  });
});

describe("k8s template schema", () => {
  const parse = (k8s: unknown) => K8sTriggerTemplate.safeParse(k8s);
  const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } };

  it("accepts short patch strategy names and Argo's Content-Types", () => {
    assert.equal(parse({ source: { resource: cm }, operation: "patch", patchStrategy: "strategic" }).data?.patchStrategy, "application/strategic-merge-patch+json");
    assert.equal(parse({ source: { resource: cm }, operation: "patch", patchStrategy: "application/merge-patch+json" }).data?.patchStrategy, "application/merge-patch+json");
  });

  it("rejects combinations that would do nothing or something else than written", () => {
    const message = (k8s: unknown) => parse(k8s).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") ?? "";
    assert.match(message({ source: { resource: cm }, operation: "patch", patchStrategy: "json" }), /jsonPatch: patchStrategy json needs jsonPatch/);
    assert.match(message({ source: { resource: cm }, patchStrategy: "merge" }), /patchStrategy needs operation: patch/);
    assert.match(message({ source: { resource: cm }, liveObject: true }), /liveObject needs operation: update/);
    assert.match(message({ source: { resource: cm, inline: "x" } }), /sets resource and inline; set exactly one/);
    assert.match(message({ source: { s3: { bucket: { name: "b", key: "k" } } } }), /source\.s3\.endpoint: Invalid input/);
    assert.equal(parse({ source: { resource: cm }, operation: "patch", patchStrategy: "json", jsonPatch: [{ op: "add", path: "/data/x", value: "1" }] }).success, true);
  });

  it("is a supported trigger kind with a typed policy.k8s", () => {
    const r = parseResource({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Sensor",
      metadata: { name: "s" },
      spec: {
        dependencies: [{ name: "d", eventSourceName: "w", eventName: "e" }],
        triggers: [{ template: { name: "t", k8s: { source: { resource: cm } } }, policy: { k8s: { labels: { done: "true" }, backoff: { steps: 3 }, errorOnBackoffTimeout: true } } }],
      },
    });
    assert.equal(r.ok, true, JSON.stringify(r));
    const bad = parseResource({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Sensor",
      metadata: { name: "s" },
      spec: { dependencies: [{ name: "d", eventSourceName: "w", eventName: "e" }], triggers: [{ template: { name: "t", k8s: { source: { resource: cm } } }, policy: { k8s: { labels: "x" } } }] },
    });
    assert.equal(bad.ok, false);
  });
});
