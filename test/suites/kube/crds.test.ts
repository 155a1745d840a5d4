// The generated CRDs on a real kube-apiserver: every example is accepted unpruned, defaults apply, wrong types are refused
// with the field's path, status and printer columns work, and `kubectl explain` prints the schema's descriptions.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { parseResource } from "@impulse/api";
import { repoRoot } from "../../kit/cli.js";
import { installCrds, kubeJson } from "../../kit/crds.js";
import { kubectl } from "../../kit/kubectl.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;
let ns: string;

before(async () => {
  kube = await startKube();
  await installCrds(kube);
  ns = await kube.newNamespace("crds");
});
after(async () => {
  await kube?.stop();
});

const PLURAL = { EventBus: "eventbuses", EventSource: "eventsources", Sensor: "sensors" } as const;
type Kind = keyof typeof PLURAL;
const path = (kind: Kind, name?: string, sub?: string) =>
  `/apis/impulse.dev/v1alpha1/namespaces/${ns}/${PLURAL[kind]}${name ? `/${name}` : ""}${sub ? `/${sub}` : ""}`;
const create = (kind: Kind, name: string, spec: unknown, query = "") =>
  kubeJson(kube, "POST", path(kind) + query, { apiVersion: "impulse.dev/v1alpha1", kind, metadata: { name }, spec });

function examples(): { file: string; doc: { kind: Kind; metadata: { name: string }; spec: unknown } }[] {
  const dir = join(repoRoot, "manifests", "examples");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => ({ file: f, doc: d.toJS() })))
    .filter(({ doc }) => doc && doc.kind in PLURAL);
}

/** Every leaf of `want` is in `got` unchanged: the API server pruned nothing a user wrote. */
function missing(want: unknown, got: unknown, at: string, out: string[] = []): string[] {
  if (want && typeof want === "object") {
    if (!got || typeof got !== "object") return [...out, `${at}: gone`];
    for (const [k, v] of Object.entries(want)) missing(v, (got as Record<string, unknown>)[k], Array.isArray(want) ? `${at}[${k}]` : `${at}.${k}`, out);
  } else if (want !== got) out.push(`${at}: ${JSON.stringify(want)} became ${JSON.stringify(got)}`);
  return out;
}

describe("Impulse CRDs on kube-apiserver", () => {
  it("stores every example EventSource and Sensor without pruning a field, and the stored object still validates", async () => {
    const all = examples();
    assert.ok(all.length >= 10, `only ${all.length} examples found`);
    for (const { file, doc } of all) {
      const name = `${file.split("/")[0]}-${doc.metadata.name}`.slice(0, 60);
      const r = await create(doc.kind, name, doc.spec);
      assert.equal(r.status, 201, `${file}: HTTP ${r.status} ${r.json?.message}`);
      assert.deepEqual(missing(doc.spec, r.json.spec, "spec"), [], `${file}: the API server pruned fields the CRD schema lacks`);
      const parsed = parseResource({ ...r.json, metadata: { name } });
      assert.ok(parsed.ok, `${file}: stored object no longer validates: ${JSON.stringify(!parsed.ok && parsed.errors)}`);
    }
  });

  it("stores both EventBus shapes and applies schema defaults (eventBusName, resource namespace, selector operation)", async () => {
    for (const [name, spec] of [
      ["managed", { jetstream: { version: "2.10.0", replicas: 3, streamConfig: { maxAge: "72h", duplicates: 120_000_000_000, retention: 0 } } }],
      ["exotic", { jetstreamExotic: { url: "nats://nats.example:4222", accessSecret: { name: "nats", key: "token" } } }],
    ] as const) {
      const r = await create("EventBus", name, spec);
      assert.equal(r.status, 201, JSON.stringify(r.json?.message));
    }
    const es = await create("EventSource", "defaults", {
      resource: { pods: { version: "v1", resource: "pods", eventTypes: ["ADD"], filter: { labels: [{ key: "app" }] } } },
    });
    assert.equal(es.status, 201, JSON.stringify(es.json?.message));
    assert.equal(es.json.spec.eventBusName, "default");
    assert.deepEqual(es.json.spec.resource.pods.namespace, "");
    assert.deepEqual(es.json.spec.resource.pods.filter.labels[0], { key: "app", operation: "==", value: "" });
  });

  it("refuses wrong types, missing required fields and bad enums, naming each path", async () => {
    const r = await create("Sensor", "broken", {
      dependencies: [{ name: "d", eventName: "e", filters: { data: [{ path: "body.x", type: "float", value: ["1"] }] } }],
      triggers: [{ template: { name: "t", http: { url: "http://x", timeout: "ten" } }, retryStrategy: { steps: -1 } }],
    });
    assert.equal(r.status, 422, JSON.stringify(r.json));
    const msg: string = r.json.message;
    assert.match(msg, /spec\.dependencies\[0\]\.eventSourceName: Required value/);
    assert.match(msg, /spec\.dependencies\[0\]\.filters\.data\[0\]\.type: Unsupported value: "float": supported values: "string", "number", "bool"/);
    assert.match(msg, /spec\.triggers\[0\]\.template\.http\.timeout: Invalid value: "string": spec\.triggers\[0\]\.template\.http\.timeout in body must be of type integer/);
    assert.match(msg, /spec\.triggers\[0\]\.retryStrategy\.steps: Invalid value: -1: .*greater than or equal to 1/);
    const none = await create("Sensor", "empty", { dependencies: [], triggers: [] });
    assert.equal(none.status, 422);
    assert.match(none.json.message, /spec\.dependencies: Invalid value: 0: .*should have at least 1 items/);
  });

  it("refuses what zod's refinements refuse, through CEL rules and list keys: trigger kinds, bus shape, no events, duplicate dependencies", async () => {
    const dep = { name: "d", eventSourceName: "es", eventName: "e" };
    const two = await create("Sensor", "two-kinds", { dependencies: [dep, { ...dep }], triggers: [{ template: { name: "t", log: {}, http: { url: "http://x" } } }, { template: { name: "u" } }] });
    assert.equal(two.status, 422, JSON.stringify(two.json));
    assert.match(two.json.message, /spec\.triggers\[0\]\.template: Invalid value: (?:"object": )?needs exactly one trigger kind: http, awsLambda, k8s/);
    assert.match(two.json.message, /spec\.triggers\[1\]\.template: Invalid value: (?:"object": )?needs exactly one trigger kind/);
    assert.match(two.json.message, /spec\.dependencies\[1\]: Duplicate value: {"name":"d"}/);
    const bus = await create("EventBus", "both", { jetstream: {}, jetstreamExotic: { url: "nats://x:4222" } });
    assert.equal(bus.status, 422);
    assert.match(bus.json.message, /spec: Invalid value: (?:"object": )?set exactly one of jetstream or jetstreamExotic/);
    const none = await create("EventSource", "none", { webhook: {} });
    assert.equal(none.status, 422);
    assert.match(none.json.message, /spec: Invalid value: (?:"object": )?defines no events: add a source such as spec\.webhook\.<eventName>/);
  });

  it("reports a misspelt field under strict field validation (kubectl's default) instead of dropping it silently", async () => {
    const spec = { dependencies: [{ name: "d", eventSourceName: "es", eventName: "e" }], triggers: [{ template: { name: "t", log: {}, htttp: { url: "http://x" } } }] };
    const manifest = JSON.stringify({ apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name: "typo", namespace: ns }, spec });
    const applied = kubectl(kube, ["apply", "-f", "-"], { input: manifest });
    assert.notEqual(applied.status, 0, applied.stdout);
    assert.match(applied.stderr, /strict decoding error: unknown field "spec\.triggers\[0\]\.template\.htttp"/);
    // Open fields (pod template, k8s trigger objects) keep whatever they hold.
    const open = await create("Sensor", "open", { ...spec, template: { serviceAccountName: "sa", nodeSelector: { disk: "ssd" } }, triggers: [{ template: { name: "t", log: {} } }] }, "?fieldValidation=Strict");
    assert.equal(open.status, 201, JSON.stringify(open.json?.message));
    assert.deepEqual(open.json.spec.template, { serviceAccountName: "sa", nodeSelector: { disk: "ssd" } });
  });

  it("keeps status behind the status subresource, and kubectl get prints Ready, Reason and the per-kind columns", async () => {
    const created = await create("Sensor", "columns", {
      dependencies: [{ name: "a", eventSourceName: "es", eventName: "e" }, { name: "b", eventSourceName: "es", eventName: "f" }],
      triggers: [{ template: { name: "t", log: {} } }],
    });
    assert.equal(created.status, 201);
    const status = {
      observedGeneration: 1,
      dependencyCount: 2,
      triggerCount: 1,
      conditions: [{ type: "Ready", status: "False", reason: "DeploymentUnavailable", message: "0/1 replicas available", lastTransitionTime: new Date().toISOString(), observedGeneration: 1 }],
    };
    // A status written through the main resource is ignored; through /status it sticks.
    const ignored = await kubeJson(kube, "PUT", path("Sensor", "columns"), { ...created.json, status });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.json.status, undefined);
    const put = await kubeJson(kube, "PUT", path("Sensor", "columns", "status"), { ...ignored.json, status: { ...status, extra: { kept: true } } });
    assert.equal(put.status, 200, JSON.stringify(put.json?.message));
    assert.deepEqual(put.json.status.extra, { kept: true });
    const es = await create("EventSource", "columns", { webhook: { a: { endpoint: "/a", port: 12000 } }, kafka: { b: { url: "k:9092", topic: "t", partition: 0 } } });
    assert.equal(es.status, 201, JSON.stringify(es.json?.message));
    const esStatus = { sourceTypes: "webhook,kafka", conditions: [{ type: "Ready", status: "True", reason: "Available" }] };
    assert.equal((await kubeJson(kube, "PUT", path("EventSource", "columns", "status"), { ...es.json, status: esStatus })).status, 200);

    const sn = kubectl(kube, ["get", "sn", "columns", "-n", ns]);
    assert.equal(sn.status, 0, sn.stderr);
    assert.match(sn.stdout, /^NAME\s+DEPENDENCIES\s+TRIGGERS\s+READY\s+REASON\s+AGE\n/);
    assert.match(sn.stdout, /\ncolumns\s+2\s+1\s+False\s+DeploymentUnavailable\s+\d+s\n/);
    const esOut = kubectl(kube, ["get", "es", "columns", "-n", ns]);
    assert.match(esOut.stdout, /^NAME\s+TYPES\s+READY\s+REASON\s+AGE\n/, esOut.stderr);
    assert.match(esOut.stdout, /\ncolumns\s+webhook,kafka\s+True\s+Available\s+\d+s\n/);
    const wide = kubectl(kube, ["get", "es", "columns", "-n", ns, "-o", "wide"]);
    assert.match(wide.stdout, /\ncolumns\s+webhook,kafka\s+default\s+True/, wide.stderr);
    // The category lists all three kinds.
    const cat = kubectl(kube, ["get", "impulse", "-n", ns, "-o", "name"]);
    assert.equal(cat.status, 0, cat.stderr);
    for (const n of ["eventbus.impulse.dev/managed", "eventsource.impulse.dev/columns", "sensor.impulse.dev/columns"]) assert.ok(cat.stdout.includes(n), cat.stdout);
  });

  it("applies with kubectl's client-side apply (the whole CRD fits in the last-applied annotation) through manifests/crds/kustomization.yaml", () => {
    const r = kubectl(kube, ["apply", "-k", join(repoRoot, "manifests", "crds")]);
    assert.equal(r.status, 0, r.stderr);
    for (const n of ["eventbuses", "eventsources", "sensors"]) assert.match(r.stdout, new RegExp(`customresourcedefinition\\.apiextensions\\.k8s\\.io/${n}\\.impulse\\.dev (configured|unchanged)`));
    const annotated = kubectl(kube, ["get", "crd", "sensors.impulse.dev", "-o", "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"]);
    assert.ok(annotated.stdout.length > 10_000 && annotated.stdout.length < 128 * 1024, `last-applied-configuration is ${annotated.stdout.length} bytes`);
  });

  it("kubectl explain prints the descriptions of sensor.spec.triggers and its fields", async () => {
    // The API server publishes a new CRD's OpenAPI a moment after it is Established.
    const out = await waitFor(
      "kubectl explain sensor.spec.triggers",
      () => {
        const r = kubectl(kube, ["explain", "sensor.spec.triggers"]);
        return r.status === 0 && r.stdout.includes("FIELDS:") ? r.stdout : undefined;
      },
      60_000,
    );
    assert.match(out, /GROUP:\s+impulse\.dev/);
    assert.match(out, /FIELD: triggers <\[\]Object>/);
    assert.equal(out.match(/What to do when the dependencies are satisfied\./g)?.length, 1, out);
    assert.match(out, /dlqTrigger\s+<Object>\n\s+Dead-letter trigger: fired with the same events/);
    assert.match(out, /template\s+<Object> -required-/);
    assert.match(out, /atLeastOnce\s+<boolean>\n\s+Ack only after success/);
    const http = kubectl(kube, ["explain", "sn.spec.triggers.template.http.url"]);
    assert.equal(http.status, 0, http.stderr);
    assert.match(http.stdout, /FIELD: url <string>/);
    assert.match(http.stdout, /URL to call\./);
    const webhook = kubectl(kube, ["explain", "eventsource.spec.webhook"]);
    assert.match(webhook.stdout, /webhook events by name \(the name becomes the event.s subject\)\. Each: An HTTP\s+endpoint that turns each request into an event\./, webhook.stderr);
    assert.match(webhook.stdout, /endpoint\t<string> -required-\n\s+HTTP path this event listens on/);
  });
});
