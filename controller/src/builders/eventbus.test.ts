// EventBus builder: NATS StatefulSet/Services/ConfigMap for jetstream, connection only for jetstreamExotic.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource, type EventBus } from "@impulse/api";
import type { V1ConfigMap, V1StatefulSet } from "@kubernetes/client-node";
import { CONFIG_HASH } from "../meta.js";
import { buildEventBus, checkEventBus, DEFAULT_NATS_IMAGE, natsImage } from "./eventbus.js";
import type { CustomResource } from "./types.js";

function bus(spec: Record<string, unknown>): { cr: CustomResource; bus: EventBus } {
  const cr: CustomResource = { apiVersion: "impulse.dev/v1alpha1", kind: "EventBus", metadata: { name: "default", namespace: "team", uid: "u-bus" }, spec };
  const r = parseResource(cr);
  assert.ok(r.ok);
  return { cr, bus: r.resource as EventBus };
}
const opts = { natsImage: DEFAULT_NATS_IMAGE };

describe("EventBus builder", () => {
  it("jetstream: a clustered NATS StatefulSet with config, headless and client Services, token auth", () => {
    const { cr, bus: b } = bus({ jetstream: { version: "2.10.29-alpine" } });
    const plan = buildEventBus(cr, b, opts);
    assert.deepEqual(plan.objects.map((o) => `${o.kind}/${o.metadata.name}`), [
      "ConfigMap/eventbus-default-js-config",
      "Service/eventbus-default-js-headless",
      "Service/eventbus-default-js",
      "StatefulSet/eventbus-default-js",
    ]);
    const sts = plan.objects.find((o) => o.kind === "StatefulSet") as unknown as V1StatefulSet;
    assert.equal(sts.spec!.replicas, 3);
    assert.equal(sts.spec!.serviceName, "eventbus-default-js-headless");
    const c = sts.spec!.template.spec!.containers[0]!;
    assert.equal(c.image, "nats:2.10.29-alpine");
    assert.deepEqual(c.env!.find((e) => e.name === "NATS_TOKEN")!.valueFrom, { secretKeyRef: { name: "eventbus-default-js-auth", key: "token" } });
    const conf = (plan.objects[0] as unknown as V1ConfigMap).data!["nats.conf"]!;
    assert.match(conf, /token: \$NATS_TOKEN/);
    assert.match(conf, /max_payload: 1MB/);
    assert.match(conf, /nats:\/\/eventbus-default-js-2\.eventbus-default-js-headless\.team\.svc:6222/);
    assert.deepEqual(plan.connection, {
      url: "nats://eventbus-default-js.team.svc:4222",
      accessSecret: { name: "eventbus-default-js-auth", key: "token" },
      streamConfig: { replicas: 3 },
    });
    assert.equal(sts.metadata!.ownerReferences![0]!.uid, "u-bus");
  });

  it("one replica: no cluster block, and streams default to one copy", () => {
    const { cr, bus: b } = bus({ jetstream: { replicas: 1, streamConfig: { maxAge: "24h" } } });
    const plan = buildEventBus(cr, b, opts);
    const conf = (plan.objects[0] as unknown as V1ConfigMap).data!["nats.conf"]!;
    assert.doesNotMatch(conf, /cluster/);
    assert.deepEqual(plan.connection.streamConfig, { maxAge: "24h", replicas: 1 });
  });

  it("a config change rolls the servers through the pod template hash", () => {
    const hashOf = (spec: Record<string, unknown>) => {
      const { cr, bus: b } = bus(spec);
      const sts = buildEventBus(cr, b, opts).objects.find((o) => o.kind === "StatefulSet") as unknown as V1StatefulSet;
      return sts.spec!.template.metadata!.annotations![CONFIG_HASH];
    };
    assert.equal(hashOf({ jetstream: {} }), hashOf({ jetstream: {} }));
    assert.notEqual(hashOf({ jetstream: {} }), hashOf({ jetstream: { maxPayload: "2MB" } }));
  });

  it("jetstreamExotic: nothing to deploy, the connection comes from the spec", () => {
    const { cr, bus: b } = bus({ jetstreamExotic: { url: "nats://shared:4222", accessSecret: { name: "nats", key: "auth" }, streamConfig: { replicas: 3 } } });
    const plan = buildEventBus(cr, b, opts);
    assert.deepEqual(plan.objects, []);
    assert.deepEqual(plan.connection, { url: "nats://shared:4222", accessSecret: { name: "nats", key: "auth" }, streamConfig: { replicas: 3 } });
  });

  it("hands spec.journal to the runtimes through the connection, for both kinds of bus", () => {
    const journal = { enabled: false, maxAge: "24h" };
    assert.deepEqual(buildEventBus(bus({ jetstreamExotic: { url: "nats://shared:4222" }, journal }).cr, bus({ jetstreamExotic: { url: "nats://shared:4222" }, journal }).bus, opts).connection.journal, journal);
    const managed = bus({ jetstream: {}, journal });
    assert.deepEqual(buildEventBus(managed.cr, managed.bus, opts).connection.journal, journal);
    const plain = bus({ jetstream: {} });
    assert.equal(buildEventBus(plain.cr, plain.bus, opts).connection.journal, undefined);
  });

  it("refuses values that would be written unchecked into nats.conf or the image", () => {
    const { bus: b } = bus({ jetstream: { maxPayload: "1MB\nauthorization {}", version: "2.11 ; rm" } });
    assert.deepEqual(checkEventBus(b).map((f) => f.path), ["spec.jetstream.maxPayload", "spec.jetstream.version"]);
    assert.equal(natsImage("registry:5000/nats:2.11-alpine", "2.10"), "registry:5000/nats:2.10");
    assert.equal(natsImage("registry:5000/nats", "2.10"), "registry:5000/nats:2.10");
  });
});
