// The resource EventSource against a real kube-apiserver and nats-server: Argo's event shape, filters, and resume without loss or repeats.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoordinationV1Api, CoreV1Api, type V1ConfigMap } from "@kubernetes/client-node";
import type { Delivery, EventBus, NatsServer } from "@impulse/bus";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;
let nats: NatsServer;
let core: CoreV1Api;
const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  // Watches served by etcd instead of the apiserver's cache: compacting etcd then expires old resourceVersions (410).
  [kube, nats] = await Promise.all([startKube({ apiserverArgs: ["--watch-cache=false"] }), startNats()]);
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
});
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await Promise.all([nats?.stop(), kube?.stop()]);
});

interface ResourceData {
  type: "ADD" | "UPDATE" | "DELETE";
  body: { metadata: { name: string; uid: string; resourceVersion: string; labels?: Record<string, string> }; data?: Record<string, string> };
  oldBody: { data?: Record<string, string> } | null;
  group: string;
  version: string;
  resource: string;
  metadata?: Record<string, string>;
}

/** Reads every event of one EventSource from the bus into a list, as a Sensor would. */
async function readEvents(busNs: string, eventSourceName: string, eventName: string): Promise<{ events: Delivery[]; data: () => ResourceData[] }> {
  const bus: EventBus = await connectBus(nats.url, busNs);
  const events: Delivery[] = [];
  const sub = await bus.subscribe({ durable: `reader-${eventName}`, events: [{ eventSourceName, eventName }] }, async (d) => void events.push(d));
  cleanups.push(async () => {
    await sub.stop();
    await bus.close();
  });
  return { events, data: () => events.map((d) => d.event.data as ResourceData) };
}

async function runSource(
  busNs: string,
  name: string,
  spec: Record<string, unknown>,
  kubeConfig = kube.kubeConfig,
  leaderElection?: { namespace: string; identity: string },
): Promise<Awaited<ReturnType<typeof startEventSource>> & { stopped: boolean }> {
  const election = leaderElection ? { leaderElection: { ...leaderElection, kubeConfig, leaseDurationMs: 3000, retryPeriodMs: 300 } } : {};
  const s = await startEventSource(nats.url, busNs, eventSource(name, { resource: spec }), { kubeConfig, ...election });
  const handle = { ...s, stopped: false };
  const stop = s.stop;
  handle.stop = async () => {
    if (handle.stopped) return;
    handle.stopped = true;
    await stop();
  };
  cleanups.push(() => handle.stop());
  return handle;
}

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): V1ConfigMap => ({ metadata: { name, labels }, data });
const summary = (d: ResourceData) => `${d.type} ${d.body.metadata.name}`;

describe("resource source", () => {
  it("turns pod changes matching the label selector into Argo-shaped events (the headline: app=my-pod)", async () => {
    const ns = await kube.newNamespace("pods");
    const reader = await readEvents("res-pods", "k8s", "pods");
    await runSource("res-pods", "k8s", {
      pods: { namespace: ns, version: "v1", resource: "pods", eventTypes: ["ADD", "UPDATE", "DELETE"], filter: { labels: [{ key: "app", value: "my-pod" }] }, metadata: { team: "platform" } },
    });
    const pod = (name: string, app: string) => ({ metadata: { name, labels: { app } }, spec: { containers: [{ name: "c", image: "busybox" }] } });
    await core.createNamespacedPod({ namespace: ns, body: pod("other", "not-mine") });
    await core.createNamespacedPod({ namespace: ns, body: pod("my-pod-1", "my-pod") });
    await core.patchNamespacedPod({ namespace: ns, name: "my-pod-1", body: [{ op: "add", path: "/metadata/annotations", value: { touched: "yes" } }] });
    await core.deleteNamespacedPod({ namespace: ns, name: "my-pod-1", gracePeriodSeconds: 0 });
    await waitFor("four pod events", () => reader.events.length >= 4);
    // Pods are always deleted in two steps: an UPDATE that sets deletionTimestamp, then the DELETE (Argo reports both too).
    assert.deepEqual(reader.data().map(summary), ["ADD my-pod-1", "UPDATE my-pod-1", "UPDATE my-pod-1", "DELETE my-pod-1"]);
    assert.ok((reader.data()[2]!.body.metadata as { deletionTimestamp?: string }).deletionTimestamp);
    const [add, update] = reader.events;
    assert.equal(add!.event.type, "resource");
    assert.equal(add!.event.source, "k8s");
    assert.equal(add!.event.subject, "pods");
    const data = add!.event.data as ResourceData;
    assert.deepEqual({ group: data.group, version: data.version, resource: data.resource, metadata: data.metadata, oldBody: data.oldBody }, { group: "", version: "v1", resource: "pods", metadata: { team: "platform" }, oldBody: null });
    assert.equal(data.body.metadata.labels?.["app"], "my-pod");
    const upd = update!.event.data as ResourceData & { body: { metadata: { annotations?: Record<string, string> } }; oldBody: { metadata: { annotations?: unknown } } };
    assert.equal(upd.body.metadata.annotations?.["touched"], "yes");
    assert.equal(upd.oldBody.metadata.annotations, undefined, "oldBody is the version before the update");
  });

  it("applies prefix, field and expression filters on the client, with != negating a regex", async () => {
    const ns = await kube.newNamespace("filters");
    const reader = await readEvents("res-filters", "k8s", "cms");
    await runSource("res-filters", "k8s", {
      cms: {
        namespace: ns,
        version: "v1",
        resource: "configmaps",
        eventTypes: ["ADD"],
        filter: {
          prefix: "app-",
          fields: [{ key: "data.tier", value: "^(web|api)$" }, { key: "data.state", operation: "!=", value: "draft" }],
          expression: "body.data.state != 'retired'",
        },
      },
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("app-web", { tier: "web", state: "live" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("app-db", { tier: "db", state: "live" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("app-api", { tier: "api", state: "draft" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("other-web", { tier: "web", state: "live" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("app-web-old", { tier: "web", state: "retired" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("app-api2", { tier: "api", state: "live" }) });
    await waitFor("two matching config maps", () => reader.events.length >= 2);
    await waitFor("the last one to be seen by the watch", async () => (await core.readNamespacedConfigMap({ namespace: ns, name: "app-api2" })).metadata?.resourceVersion);
    assert.deepEqual(reader.data().map(summary).sort(), ["ADD app-api2", "ADD app-web"]);
  });

  it("after a restart publishes exactly what changed while it was down, and nothing twice", async () => {
    const ns = await kube.newNamespace("resume");
    const reader = await readEvents("res-resume", "k8s", "cms");
    const spec = { cms: { namespace: ns, version: "v1", resource: "configmaps", eventTypes: ["ADD", "UPDATE", "DELETE"] } };
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("stays", { v: "1" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("changes", { v: "1" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("goes", { v: "1" }) });
    const first = await runSource("res-resume", "k8s", spec);
    await waitFor("the initial list as ADD events", () => reader.events.length >= 3);
    await first.stop();

    await core.replaceNamespacedConfigMap({ namespace: ns, name: "changes", body: configMap("changes", { v: "2" }) });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "goes" });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("new", { v: "1" }) });

    await runSource("res-resume", "k8s", spec);
    await waitFor("the three changes made while down", () => reader.events.length >= 6);
    await core.replaceNamespacedConfigMap({ namespace: ns, name: "stays", body: configMap("stays", { v: "live" }) });
    await waitFor("a live change after the restart", () => reader.events.length >= 7);
    assert.deepEqual(reader.data().map(summary).slice(0, 3).sort(), ["ADD changes", "ADD goes", "ADD stays"]);
    assert.deepEqual(reader.data().map(summary).slice(3), ["UPDATE changes", "DELETE goes", "ADD new", "UPDATE stays"]);
    const changed = reader.data()[3]!;
    assert.deepEqual([changed.oldBody?.data, changed.body.data], [{ v: "1" }, { v: "2" }]);
  });

  it("relists when its checkpoint is too old (410 Gone) and publishes the difference from what it knew", async () => {
    const ns = await kube.newNamespace("gone");
    const reader = await readEvents("res-gone", "k8s", "cms");
    const spec = { cms: { namespace: ns, version: "v1", resource: "configmaps", eventTypes: ["ADD", "DELETE"] } };
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("a", {}) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("b", {}) });
    const first = await runSource("res-gone", "k8s", spec);
    await waitFor("two ADD events", () => reader.events.length >= 2);
    await first.stop();
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "a" });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("c", {}) });
    // With the history compacted past the checkpoint, the resumed watch gets 410 Gone and must relist.
    await kube.compactEtcd();
    await runSource("res-gone", "k8s", spec);
    await waitFor("the delete and the add", () => reader.events.length >= 4);
    assert.deepEqual(reader.data().map(summary).slice(2).sort(), ["ADD c", "DELETE a"]);
  });

  it("publishes one event per logical Kubernetes Event: repeats that only bump count are dropped", async () => {
    const ns = await kube.newNamespace("events");
    const reader = await readEvents("res-events", "k8s", "warnings");
    await runSource("res-events", "k8s", {
      warnings: { namespace: ns, version: "v1", resource: "events", eventTypes: ["ADD", "UPDATE"], filter: { fields: [{ key: "type", value: "^Warning$" }, { key: "involvedObject.kind", value: "^Pod$" }] } },
    });
    const event = (name: string, type: string, count: number, message = "Back-off restarting failed container") => ({
      metadata: { name },
      involvedObject: { kind: "Pod", name: "p", namespace: ns },
      reason: "BackOff",
      message,
      type,
      count,
      firstTimestamp: new Date(0),
      lastTimestamp: new Date(count * 1000),
    });
    await core.createNamespacedEvent({ namespace: ns, body: event("p.backoff", "Warning", 1) });
    await core.createNamespacedEvent({ namespace: ns, body: event("p.pulled", "Normal", 1) });
    for (const count of [2, 3, 4]) await core.replaceNamespacedEvent({ namespace: ns, name: "p.backoff", body: event("p.backoff", "Warning", count) });
    await core.replaceNamespacedEvent({ namespace: ns, name: "p.backoff", body: event("p.backoff", "Warning", 5, "a different message") });
    await waitFor("the Warning and its one real change", () => reader.events.length >= 2);
    assert.deepEqual(reader.data().map(summary), ["ADD p.backoff", "UPDATE p.backoff"]);
  });

  it("reports an RBAC denial on health instead of crashing, naming the 403", async () => {
    const ns = await kube.newNamespace("denied");
    const sa = await kube.serviceAccount(ns, "no-rights", []);
    const src = await runSource("res-denied", "k8s", { cms: { namespace: ns, version: "v1", resource: "configmaps", eventTypes: ["ADD"] } }, sa.kubeConfig);
    const health = await waitFor("an unhealthy report", () => {
      const h = src.running.health();
      return h.components["resource/cms"]?.error?.includes("403") ? h : undefined;
    });
    assert.equal(health.healthy, false);
    assert.match(health.components["resource/cms"]!.error!, /forbidden/i);
  });

  it("with leader election, one of two replicas publishes; when it stops, the other takes over", async () => {
    const ns = await kube.newNamespace("leader");
    const reader = await readEvents("res-leader", "k8s", "cms");
    const spec = { cms: { namespace: ns, version: "v1", resource: "configmaps", eventTypes: ["ADD"] } };
    const a = await runSource("res-leader", "k8s", spec, kube.kubeConfig, { namespace: ns, identity: "replica-a" });
    const b = await runSource("res-leader", "k8s", spec, kube.kubeConfig, { namespace: ns, identity: "replica-b" });
    const coordination = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    const holder = async () => (await coordination.readNamespacedLease({ namespace: ns, name: "eventsource-k8s" }).catch(() => undefined))?.spec?.holderIdentity;
    const first = await waitFor("a leader", holder);
    const [leader, standby] = first === "replica-a" ? [a, b] : [b, a];
    const published = (s: Started) => metricValue(s.registry, "impulse_eventsource_events_published_total", { eventsource: "k8s", event: "cms" });

    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("one", {}) });
    await waitFor("the first event", () => reader.events.length >= 1);
    assert.deepEqual([await published(leader), await published(standby)], [1, 0], "only the leader publishes");

    await leader.stop(); // releases the Lease on the way out
    await waitFor("the standby to lead", async () => (await holder()) === (first === "replica-a" ? "replica-b" : "replica-a"));
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("two", {}) });
    await waitFor("the second event", () => reader.events.length >= 2);
    assert.deepEqual(reader.data().map(summary), ["ADD one", "ADD two"]);
    // The new leader resumed from the shared checkpoint: it did not publish "one" again.
    assert.equal(await published(standby), 1);
  });

  it("a leader that sees another holder stops publishing, and a lease nobody renews is taken over", async () => {
    const ns = await kube.newNamespace("takeover");
    const spec = { cms: { namespace: ns, version: "v1", resource: "configmaps", eventTypes: ["ADD"] } };
    const a = await runSource("res-takeover", "k8s", spec, kube.kubeConfig, { namespace: ns, identity: "replica-a" });
    const coordination = kube.kubeConfig.makeApiClient(CoordinationV1Api);
    const lease = () => coordination.readNamespacedLease({ namespace: ns, name: "eventsource-k8s" });
    await waitFor("replica-a to lead", async () => (await lease().catch(() => undefined))?.spec?.holderIdentity === "replica-a");
    // A replica that crashed while holding the lease: it never renews and never releases.
    const current = await lease();
    await coordination.replaceNamespacedLease({ namespace: ns, name: "eventsource-k8s", body: { ...current, spec: { ...current.spec, holderIdentity: "replica-crashed" } } });
    const health = () => a.running.health().components["resource/cms"];
    await waitFor("replica-a to stop watching (a healthy standby)", () => health() === undefined && a.running.health().healthy);
    await waitFor("replica-a to take the abandoned lease", async () => (await lease()).spec?.holderIdentity === "replica-a", 20_000);
    await waitFor("replica-a watching again", () => health()?.healthy === true);
  });

  it("is unhealthy, naming the denial, when RBAC does not let it read the Lease (never a silent standby)", async () => {
    const ns = await kube.newNamespace("nolease");
    const sa = await kube.serviceAccount(ns, "no-leases", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"] }]);
    const src = await runSource("res-nolease", "k8s", { cms: { namespace: ns, version: "v1", resource: "configmaps", eventTypes: ["ADD"] } }, sa.kubeConfig, { namespace: ns, identity: "replica-a" });
    const health = await waitFor("the lease error on /health", () => {
      const h = src.running.health();
      return h.components["leader-election"] ? h : undefined;
    });
    assert.equal(health.healthy, false);
    assert.match(health.components["leader-election"]!.error!, /403.*forbidden/is);
  });
});

