// webhook → JetStream → Sensor → k8s trigger, against a real kube-apiserver + etcd and a real nats-server.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { BatchV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1ConfigMap } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import { ErrorCodes, K8sTriggerTemplate, type ImpulseEvent } from "@impulse/api";
import { triggerDefinitions } from "@impulse/sensor";
import { pino, type Logger } from "pino";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";
import { testLogger } from "../../kit/log.js";

let kube: Kube;
let nats: NatsServer;
let core: CoreV1Api;
const started: Started[] = [];

before(async () => {
  [kube, nats] = await Promise.all([startKube(), startNats()]);
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await nats?.stop();
  await kube?.stop();
});

/** A logger whose JSON lines the test can read (the failure message is only in the log and the metrics). */
function capture(): { logger: Logger; lines: { level: number; msg: string; err?: string; code?: string }[] } {
  const lines: { level: number; msg: string; err?: string; code?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

/** A webhook "hooks/e" and a sensor in bus namespace == Kubernetes namespace `ns`. */
async function pipeline(ns: string, name: string, triggers: unknown[], opts: { kubeConfig?: KubeConfig; logger?: Logger; dependencies?: unknown[] } = {}) {
  const hook = await startWebhook(nats.url, ns, "hooks", "e");
  started.push(hook);
  const s = await startSensor(
    nats.url,
    ns,
    sensor(name, { dependencies: opts.dependencies ?? [{ name: "d", eventSourceName: "hooks", eventName: "e" }], triggers }, ns),
    { kubeConfig: opts.kubeConfig ?? kube.kubeConfig, ...(opts.logger ? { logger: opts.logger } : {}) },
  );
  started.push(s);
  return { send: hook.send, sensor: s };
}

const byTrigger = (ns: string, trigger: string) => core.listNamespacedConfigMap({ namespace: ns, labelSelector: `impulse.dev/trigger=${trigger}` });

describe("k8s trigger", () => {
  it("creates a ConfigMap in the Sensor's namespace with parameters applied and Impulse's labels", async () => {
    const ns = await kube.newNamespace("create");
    const { send, sensor: s } = await pipeline(ns, "orders", [
      {
        template: {
          name: "record",
          k8s: {
            source: { resource: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "placeholder" }, data: { status: "new" } } },
            parameters: [
              { src: { dependencyName: "d", dataKey: "body.id" }, dest: "metadata.name", operation: "prepend" },
              { src: { dependencyName: "d", dataKey: "body.amount" }, dest: "data.amount" },
              { src: { dependencyName: "d", contextKey: "id" }, dest: "data.eventId" },
            ],
          },
        },
      },
    ]);
    const eventId = await send({ id: "order-7-", amount: 120 });
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: "order-7-placeholder" });
    assert.deepEqual(cm.data, { status: "new", amount: "120", eventId });
    const labels = cm.metadata!.labels!;
    assert.equal(labels["impulse.dev/sensor"], "orders");
    assert.equal(labels["impulse.dev/trigger"], "record");
    assert.match(labels["impulse.dev/action-timestamp"]!, /^\d{13}$/);
    assert.match(labels["impulse.dev/idempotency-key"]!, /^[0-9a-f]{32}$/);
  });

  it("creates a Job from generateName with the event's value in the container args", async () => {
    const ns = await kube.newNamespace("job");
    const { send, sensor: s } = await pipeline(ns, "jobs", [
      {
        template: {
          name: "run",
          k8s: {
            source: {
              resource: {
                apiVersion: "batch/v1",
                kind: "Job",
                metadata: { generateName: "report-" },
                spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox", command: ["echo"], args: ["placeholder"] }] } } },
              },
            },
            parameters: [{ src: { dependencyName: "d", dataKey: "body.customer" }, dest: "spec.template.spec.containers.0.args.0" }],
          },
        },
      },
    ]);
    await send({ customer: "acme" });
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const jobs = await kube.kubeConfig.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns });
    assert.equal(jobs.items.length, 1);
    const job = jobs.items[0]!;
    assert.match(job.metadata!.name!, /^report-[a-z0-9]{5}$/);
    assert.deepEqual(job.spec!.template.spec!.containers[0]!.args, ["acme"]);
    assert.equal(job.metadata!.labels!["impulse.dev/trigger"], "run");
  });

  it("does not create a second object when the event is redelivered after a crash mid-firing", async () => {
    const ns = await kube.newNamespace("redeliver");
    const trigger = (policy: unknown) => ({
      template: { name: "once", k8s: { source: { resource: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "once-" }, data: { a: "1" } } } } },
      ...(policy ? { policy } : {}),
    });
    // The first sensor creates the object, then waits for a label nobody sets; it is stopped mid-firing, unacknowledged.
    const first = await pipeline(ns, "redeliver", [trigger({ k8s: { labels: { never: "set" }, backoff: { steps: 1000, duration: "100ms" } } })]);
    await first.send({});
    await waitFor("object created", async () => (await byTrigger(ns, "once")).items.length === 1);
    await first.sensor.stop();
    started.splice(started.indexOf(first.sensor), 1);
    // The same sensor started again gets the event again and finds what the first delivery created.
    const again = await startSensor(nats.url, ns, sensor("redeliver", { dependencies: [{ name: "d", eventSourceName: "hooks", eventName: "e" }], triggers: [trigger(undefined)] }, ns), {
      kubeConfig: kube.kubeConfig,
    });
    started.push(again);
    await waitFor("redelivered firing succeeded", async () => (await metricValue(again.registry, "impulse_sensor_triggers_fired_total")) === 1, 30_000);
    assert.equal((await byTrigger(ns, "once")).items.length, 1, "still one object");
  });

  it("treats AlreadyExists as done only for the object this firing created", async () => {
    const ns = await kube.newNamespace("fixed");
    const def = triggerDefinitions.get("k8s")!;
    const ac = new AbortController();
    const exec = def.create({ sensorName: "s", sensorNamespace: ns, triggerName: "fixed", logger: testLogger(), secrets: async () => "", kubeConfig: () => kube.kubeConfig, signal: ac.signal });
    const template = K8sTriggerTemplate.parse({ source: { resource: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fixed" } } } });
    const firing = (key: string) => ({ template, payload: undefined, events: {}, idempotencyKey: key, logger: testLogger() });
    assert.equal(((await exec.execute(firing("k1"), ac.signal)) as { action: string }).action, "created");
    assert.equal(((await exec.execute(firing("k1"), ac.signal)) as { action: string }).action, "found-existing");
    await assert.rejects(exec.execute(firing("k2"), ac.signal), (e: Error & { code?: string; retryable?: boolean }) => {
      assert.equal(e.code, ErrorCodes.TriggerFailed);
      assert.equal(e.retryable, false);
      assert.match(e.message, /409 AlreadyExists: configmaps "fixed" already exists \(and it was not created by this firing\)/);
      return true;
    });
    ac.abort();
  });

  it("updates by merging over the live object, creates what is missing, and applies server-side", async () => {
    const ns = await kube.newNamespace("update");
    const ac = new AbortController();
    const exec = triggerDefinitions.get("k8s")!.create({ sensorName: "s", sensorNamespace: ns, triggerName: "u", logger: testLogger(), secrets: async () => "", kubeConfig: () => kube.kubeConfig, signal: ac.signal });
    const ev: Record<string, ImpulseEvent> = { d: { id: "e1", source: "hooks", subject: "e", type: "webhook", specversion: "1.0", datacontenttype: "application/json", time: "2026-01-01T00:00:00Z", data: { body: { color: "green" } } } };
    const run = async (k8s: unknown) => {
      const out = await exec.execute({ template: K8sTriggerTemplate.parse(k8s), payload: undefined, events: ev, idempotencyKey: "k", logger: testLogger() }, ac.signal);
      return (out as { action: string }).action;
    };
    const cm = (name: string, data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });
    const read = (name: string) => core.readNamespacedConfigMap({ namespace: ns, name });
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "u", labels: { owner: "me" } }, data: { a: "1", b: "2" } } });
      assert.equal(await run({ operation: "update", source: { resource: cm("u", { b: "3" }) } }), "updated");
      let u = await read("u");
      assert.deepEqual(u.data, { a: "1", b: "3" }, "merged over the live object");
      assert.equal(u.metadata!.labels!["owner"], "me");

      const live = { operation: "update", liveObject: true, source: { resource: cm("u", {}) }, parameters: [{ src: { dependencyName: "d", dataKey: "body.color" }, dest: "data.color" }] };
      assert.equal(await run(live), "updated");
      u = await read("u");
      assert.deepEqual(u.data, { a: "1", b: "3", color: "green" }, "liveObject: parameters applied to the object as it is");

      assert.equal(await run({ operation: "update", source: { resource: cm("fresh", { x: "1" }) } }), "created");
      assert.equal((await read("fresh")).metadata!.labels!["impulse.dev/trigger"], "u");
      assert.equal(await run({ operation: "patch", patchStrategy: "strategic", source: { resource: cm("patched", { y: "1" }) } }), "created");

      assert.equal(await run({ operation: "patch", patchStrategy: "apply", source: { resource: cm("applied", { z: "1" }) } }), "patched");
      const applied = await read("applied");
      assert.deepEqual(applied.data, { z: "1" });
      assert.ok(applied.metadata!.managedFields!.some((f) => f.manager === "impulse-sensor" && f.operation === "Apply"));

      await assert.rejects(run({ operation: "patch", patchStrategy: "json", source: { resource: cm("missing", {}) }, jsonPatch: [{ op: "add", path: "/data/x", value: "1" }] }), /patch ConfigMap .*\/missing: 404 NotFound/);
      await assert.rejects(run({ source: { resource: { apiVersion: "v1", kind: "Widget", metadata: { name: "w" } } } }), /the API server has no kind Widget in v1/);
    } finally {
      ac.abort();
    }
  });

  it("patches with a merge patch and a JSON patch, then deletes", async () => {
    const ns = await kube.newNamespace("patch");
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "settings", labels: { keep: "yes" } }, data: { color: "red" } } });
    const dep = (op: string) => ({ name: op, eventSourceName: "hooks", eventName: "e", filters: { data: [{ path: "body.op", type: "string", value: [op] }] } });
    const target = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" } };
    const { send, sensor: s } = await pipeline(
      ns,
      "settings",
      [
        {
          template: {
            name: "merge",
            conditions: "merge",
            k8s: { operation: "patch", source: { resource: { ...target, data: { color: "" } } }, parameters: [{ src: { dependencyName: "merge", dataKey: "body.color" }, dest: "data.color" }] },
          },
        },
        {
          template: {
            name: "json",
            conditions: "json",
            k8s: { operation: "patch", patchStrategy: "json", source: { resource: target }, jsonPatch: [{ op: "add", path: "/data/size", value: "?" }] },
          },
          parameters: [{ src: { dependencyName: "json", dataKey: "body.size" }, dest: "k8s.jsonPatch.0.value" }],
        },
        { template: { name: "delete", conditions: "delete", k8s: { operation: "delete", source: { resource: target } } } },
      ],
      { dependencies: [dep("merge"), dep("json"), dep("delete")] },
    );
    const fired = (trigger: string) => metricValue(s.registry, "impulse_sensor_triggers_fired_total", { trigger });
    const read = () => core.readNamespacedConfigMap({ namespace: ns, name: "settings" });

    await send({ op: "merge", color: "blue" });
    await waitFor("merge patch", async () => (await fired("merge")) === 1);
    let cm: V1ConfigMap = await read();
    assert.deepEqual(cm.data, { color: "blue" });
    assert.equal(cm.metadata!.labels!["keep"], "yes", "a merge patch keeps what it does not mention");

    await send({ op: "json", size: "XL" });
    await waitFor("json patch", async () => (await fired("json")) === 1);
    cm = await read();
    assert.deepEqual(cm.data, { color: "blue", size: "XL" });

    await send({ op: "delete" });
    await waitFor("delete", async () => (await fired("delete")) === 1);
    await assert.rejects(read(), (e: { code?: number }) => e.code === 404);
    // Deleting what is already gone is not a failure.
    await send({ op: "delete" });
    await waitFor("second delete", async () => (await fired("delete")) === 2);
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_failed_total"), 0);
  });

  it("fails an RBAC denial at once, with the API server's message", async () => {
    const ns = await kube.newNamespace("rbac");
    const sa = await kube.serviceAccount(ns, "sensor", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
    const { logger, lines } = capture();
    const { send, sensor: s } = await pipeline(
      ns,
      "denied",
      [{ template: { name: "create", k8s: { source: { resource: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } } } }, retryStrategy: { steps: 3, duration: "50ms" } }],
      { kubeConfig: sa.kubeConfig, logger },
    );
    await send({});
    await waitFor("failure counted", async () => (await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 0, "a 403 is not retried");
    const failure = lines.find((l) => l.msg.startsWith("trigger failed"))!;
    assert.equal(failure.code, ErrorCodes.TriggerFailed);
    assert.match(failure.err!, new RegExp(`create ConfigMap ${ns}/x: 403 Forbidden: configmaps is forbidden: User "system:serviceaccount:${ns}:sensor" cannot create resource "configmaps"`));
  });

  it("fails an invalid object at once, with the API server's message", async () => {
    const ns = await kube.newNamespace("invalid");
    const { logger, lines } = capture();
    const { send, sensor: s } = await pipeline(
      ns,
      "invalid",
      [
        {
          template: {
            name: "create",
            k8s: { source: { resource: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } } }, parameters: [{ src: { dependencyName: "d", dataKey: "body.name" }, dest: "metadata.name" }] },
          },
          retryStrategy: { steps: 3, duration: "50ms" },
        },
      ],
      { logger },
    );
    await send({ name: "Not_A_Valid_Name" });
    await waitFor("failure counted", async () => (await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 0, "a 422 is not retried");
    const failure = lines.find((l) => l.msg.startsWith("trigger failed"))!;
    assert.match(failure.err!, /create ConfigMap .*\/Not_A_Valid_Name: 422 Invalid: ConfigMap "Not_A_Valid_Name" is invalid: metadata\.name: Invalid value/);
  });

  it("policy.k8s waits until the object carries the labels, and fails on timeout only with errorOnBackoffTimeout", async () => {
    const ns = await kube.newNamespace("policy");
    const resource = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: `${name}-` } });
    const dep = (op: string) => ({ name: op, eventSourceName: "hooks", eventName: "e", filters: { data: [{ path: "body.op", type: "string", value: [op] }] } });
    const { logger, lines } = capture();
    const { send, sensor: s } = await pipeline(
      ns,
      "policy",
      [
        { template: { name: "approved", conditions: "approved", k8s: { source: { resource: resource("approved") } } }, policy: { k8s: { labels: { approved: "yes" }, backoff: { steps: 200, duration: "100ms" }, errorOnBackoffTimeout: true } } },
        { template: { name: "strict", conditions: "strict", k8s: { source: { resource: resource("strict") } } }, policy: { k8s: { labels: { approved: "yes" }, backoff: { steps: 3, duration: "50ms" }, errorOnBackoffTimeout: true } } },
        { template: { name: "lenient", conditions: "lenient", k8s: { source: { resource: resource("lenient") } } }, policy: { k8s: { labels: { approved: "yes" }, backoff: { steps: 3, duration: "50ms" } } } },
      ],
      { logger, dependencies: [dep("approved"), dep("strict"), dep("lenient")] },
    );
    const count = (name: string, trigger: string) => metricValue(s.registry, name, { trigger });

    await send({ op: "approved" });
    const created = await waitFor("object created", async () => (await byTrigger(ns, "approved")).items[0]);
    assert.equal(await count("impulse_sensor_triggers_fired_total", "approved"), 0, "still waiting for the label");
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: created.metadata!.name!, body: { metadata: { labels: { approved: "yes" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await waitFor("fired once labelled", async () => (await count("impulse_sensor_triggers_fired_total", "approved")) === 1);

    await send({ op: "strict" });
    await waitFor("strict fails", async () => (await count("impulse_sensor_triggers_failed_total", "strict")) === 1);
    const failure = lines.find((l) => l.msg.startsWith("trigger failed"))!;
    assert.equal(failure.code, ErrorCodes.TriggerPolicyViolated);
    assert.match(failure.err!, /policy\.k8s: ConfigMap .*\/strict-[a-z0-9]{5} did not get label\(s\) approved in time/);

    await send({ op: "lenient" });
    await waitFor("lenient succeeds", async () => (await count("impulse_sensor_triggers_fired_total", "lenient")) === 1);
    assert.ok(lines.some((l) => l.msg.startsWith("policy.k8s: labels did not appear in time")));
  });
});
