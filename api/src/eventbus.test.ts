// EventBus forms Argo users write: streamConfig as a YAML string, and bus kinds Impulse refuses by name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "./validate.js";

const bus = (spec: unknown) => parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventBus", metadata: { name: "default" }, spec });

describe("EventBus", () => {
  it("accepts streamConfig as Argo's YAML string and checks its fields", () => {
    const r = bus({ jetstream: { streamConfig: "maxMsgs: 50000\nmaxAge: 168h\nreplicas: 3\nduplicates: 300s\n" } });
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.deepEqual(r.resource.kind === "EventBus" && r.resource.spec.jetstream?.streamConfig, { maxMsgs: 50000, maxAge: "168h", replicas: 3, duplicates: "300s" });
    const exotic = bus({ jetstreamExotic: { url: "nats://n:4222", streamConfig: "maxAge: 24h" } });
    assert.ok(exotic.ok);
    const bad = bus({ jetstream: { streamConfig: "maxAge: soon\nmaxMsg: 5\n" } });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.errors.map((e) => `${e.path}: ${e.message}`).sort(), [
      'spec.jetstream.streamConfig.maxAge: must be a Go duration like "2s" or an integer number of nanoseconds',
      'spec.jetstream.streamConfig.maxMsg: unknown field (did you mean "maxMsgs"?)',
    ]);
    const notYaml = bus({ jetstream: { streamConfig: "maxAge: [" } });
    assert.ok(!notYaml.ok);
    assert.match(notYaml.errors[0]!.message, /is not valid YAML/);
  });

  it("still accepts streamConfig as a mapping", () => {
    assert.ok(bus({ jetstream: { streamConfig: { maxAge: "24h" } } }).ok);
  });

  it("says NATS Streaming and Kafka buses are not supported, without a confusing second error", () => {
    for (const spec of [{ nats: { native: {} } }, { nats: { exotic: { url: "nats://x" } } }, { kafka: { url: "k:9092" } }]) {
      const r = bus(spec);
      assert.ok(!r.ok);
      assert.equal(r.errors.length, 1, JSON.stringify(r.errors));
      assert.match(r.errors[0]!.message, /is not supported/);
      assert.doesNotMatch(r.errors[0]!.message, /set exactly one/);
    }
  });

  it("accepts persistence and refuses a size that is not a quantity", () => {
    assert.ok(bus({ jetstream: { persistence: { storageClassName: "standard", accessMode: "ReadWriteOnce", volumeSize: "10Gi" } } }).ok);
    const r = bus({ jetstream: { persistence: { volumeSize: "ten gigs" } } });
    assert.ok(!r.ok && r.errors[0]!.path === "spec.jetstream.persistence.volumeSize");
  });
});
