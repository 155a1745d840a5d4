// The nats.conf the controller generates for an EventBus with replicas 3, run as three real nats-server processes:
// the cluster forms, the bus creates its stream and KV with three copies, and losing the leader loses nothing.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { parseResource, type EventBus } from "@impulse/api";
import { JetStreamBus, streamName, type Delivery } from "@impulse/bus";
import { buildEventBus, DEFAULT_NATS_IMAGE } from "@impulse/controller";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { testLogger } from "../../kit/log.js";
import { startNatsCluster, type ClusterNode, type NatsCluster } from "../../kit/nats-cluster.js";
import { podEnv } from "../../kit/pods.js";
import { waitFor } from "../../kit/wait.js";
import { event as busEvent } from "../bus/contract.js";

const NAMESPACE = "team";
const SCOPE = { namespace: NAMESPACE, busName: "default" };
const token = randomBytes(16).toString("hex");

/** Exactly one match of `pattern` (or `count` for a global one) is replaced: a change of the config's shape fails here, loudly. */
function replace(conf: string, pattern: RegExp, by: (m: string, ...groups: string[]) => string, count = 1): string {
  const found = conf.match(pattern.global ? pattern : new RegExp(pattern, pattern.flags + "g"))?.length ?? 0;
  if (found !== count) throw new Error(`expected ${count} match(es) of ${pattern} in the generated nats.conf, found ${found}:\n${conf}`);
  return conf.replace(pattern, by as (m: string) => string);
}

/**
 * The generated config made local, changing only where things listen and live: the pod ports (client 4222, monitor
 * 8222, cluster 6222) become free ports on 127.0.0.1, each route's pod DNS name (`<statefulset>-<i>.<headless>.<ns>.svc`)
 * becomes 127.0.0.1 with node i's cluster port, and the volume mount /data/jetstream a temp directory. Everything else
 * (server_name from $POD_NAME, token auth, JetStream, cluster name, route list, payload and lame-duck settings) runs as generated.
 */
function localize(conf: string, node: ClusterNode, nodes: ClusterNode[]): string {
  let c = replace(conf, /^port: 4222$/m, () => `listen: 127.0.0.1:${node.port}`);
  c = replace(c, /^http_port: 8222$/m, () => `http: 127.0.0.1:${node.monitorPort}`);
  c = replace(c, /^  store_dir: \/data\/jetstream$/m, () => `  store_dir: ${JSON.stringify(node.storeDir)}`);
  c = replace(c, /^  port: 6222$/m, () => `  listen: 127.0.0.1:${node.clusterPort}`);
  c = replace(c, /nats:\/\/eventbus-default-js-(\d)\.eventbus-default-js-headless\.team\.svc:6222/g, (_, i) => `nats://127.0.0.1:${nodes[Number(i)]!.clusterPort}`, nodes.length);
  return c;
}

let conf: string;
let streamConfig: ReturnType<typeof buildEventBus>["connection"]["streamConfig"];
let cluster: NatsCluster;

before(async () => {
  const cr = { apiVersion: "impulse.dev/v1alpha1", kind: "EventBus", metadata: { name: "default", namespace: NAMESPACE, uid: "u-bus" }, spec: { jetstream: { replicas: 3 } } };
  const parsed = parseResource(cr);
  assert.ok(parsed.ok);
  const plan = buildEventBus(cr, parsed.resource as EventBus, { natsImage: DEFAULT_NATS_IMAGE });
  conf = (plan.objects.find((o) => o.kind === "ConfigMap") as unknown as { data: Record<string, string> }).data["nats.conf"]!;
  streamConfig = plan.connection.streamConfig;
  const container = (plan.objects.find((o) => o.kind === "StatefulSet") as unknown as { spec: { template: { spec: { containers: { env: [] }[] } } } }).spec.template.spec.containers[0]!;
  const secrets = { [plan.authSecretName!]: { token } };
  cluster = await startNatsCluster({
    name: (i) => `eventbus-default-js-${i}`,
    config: (node, nodes) => localize(conf, node, nodes),
    // What the kubelet gives each pod: POD_NAME from the downward API, NATS_TOKEN from the auth Secret.
    env: (node) => podEnv(container, { pod: { name: node.name, namespace: NAMESPACE }, secrets }),
    token,
  });
});

after(async () => cluster?.stop());

it("the generated config has a cluster block routing to the three pods, and JetStream", () => {
  assert.match(conf, /^jetstream \{/m);
  assert.match(conf, /^cluster \{\n  name: default\n  port: 6222\n/m);
  for (const i of [0, 1, 2]) assert.match(conf, new RegExp(`nats://eventbus-default-js-${i}\\.eventbus-default-js-headless\\.team\\.svc:6222`));
  assert.deepEqual(streamConfig, { replicas: 3 });
});

it("three servers form a cluster from it; the bus gets an R3 stream and KV that survive the leader's SIGKILL", async () => {
  const nc = await connect({ servers: cluster.url.split(","), token });
  const jsm = await jetstreamManager(nc);
  const bus = await JetStreamBus.connect({ ...SCOPE, url: cluster.url, token, logger: testLogger(), ...(streamConfig ? { stream: streamConfig } : {}) });
  try {
    const name = streamName(SCOPE);
    // Three copies, each placed on a different server of this cluster and current.
    const info = await waitFor("an R3 stream with two current followers", async () => {
      const i = await jsm.streams.info(name);
      return i.cluster?.leader && i.cluster.replicas?.length === 2 && i.cluster.replicas.every((r) => r.current) ? i : undefined;
    }, 30_000);
    assert.equal(info.config.num_replicas, 3);
    assert.equal(info.cluster!.name, "default");
    assert.deepEqual(new Set([info.cluster!.leader, ...info.cluster!.replicas!.map((r) => r.name)]), new Set(cluster.nodes.map((n) => n.name)));
    const kv = await bus.kv("state");
    await kv.put("k", new TextEncoder().encode("v"));
    assert.equal((await jsm.streams.info("KV_impulse_team_default_state")).config.num_replicas, 3);

    const got: Delivery[] = [];
    await bus.subscribe({ durable: "d", events: [{ eventSourceName: "es", eventName: "e" }] }, async (d) => void got.push(d));
    const event = (id: string) => busEvent("es", "e", { id }, id);
    await bus.publish(event("before"));
    const leader = await cluster.streamLeader(name);
    await cluster.kill(leader);
    // A new leader from the two survivors: the event stored before the kill is there, and new events are accepted.
    await waitFor("publish accepted after the election", async () => {
      try {
        await bus.publish(event("after"));
        return true;
      } catch {
        return false;
      }
    }, 30_000);
    await waitFor("both events delivered", () => ["before", "after"].every((id) => got.some((d) => d.event.id === id)), 60_000);
    assert.equal(new TextDecoder().decode((await kv.get("k"))!.value), "v");
    // Back on its ports and store, it rejoins and catches up (healthy means its streams are current).
    await cluster.restart(leader);
  } finally {
    await bus.close();
    await nc.close();
  }
});

it("a bus that grew from one copy to three: the stream and the KV buckets made with one copy get three", async () => {
  const scope = { namespace: "grown", busName: "default" };
  const nc = await connect({ servers: cluster.url.split(","), token });
  const jsm = await jetstreamManager(nc);
  const one = await JetStreamBus.connect({ ...scope, url: cluster.url, token, logger: testLogger(), stream: { replicas: 1 } });
  await one.kv("state");
  await one.close();
  assert.equal((await jsm.streams.info("KV_impulse_grown_default_state")).config.num_replicas, 1);
  const three = await JetStreamBus.connect({ ...scope, url: cluster.url, token, logger: testLogger(), stream: { replicas: 3 } });
  try {
    await three.kv("state");
    assert.equal((await jsm.streams.info(streamName(scope))).config.num_replicas, 3);
    assert.equal((await jsm.streams.info("KV_impulse_grown_default_state")).config.num_replicas, 3);
  } finally {
    await three.close();
    await nc.close();
  }
});
