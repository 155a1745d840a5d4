// EventBus persistence: JetStream's store on one PVC per server (volumeClaimTemplates) instead of an emptyDir.
import assert from "node:assert/strict";
import { it } from "node:test";
import { parseResource, type EventBus } from "@impulse/api";
import type { V1StatefulSet } from "@kubernetes/client-node";
import { buildEventBus, DEFAULT_NATS_IMAGE } from "./eventbus.js";
import type { CustomResource } from "./types.js";

function statefulSet(jetstream: Record<string, unknown>): V1StatefulSet {
  const cr: CustomResource = { apiVersion: "argoproj.io/v1alpha1", kind: "EventBus", metadata: { name: "default", namespace: "team", uid: "u" }, spec: { jetstream } };
  const r = parseResource(cr);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const plan = buildEventBus(cr, r.resource as EventBus, { natsImage: DEFAULT_NATS_IMAGE });
  return plan.objects.find((o) => o.kind === "StatefulSet") as unknown as V1StatefulSet;
}

it("persistence puts the JetStream store on a PVC per server", () => {
  const sts = statefulSet({ persistence: { storageClassName: "fast", volumeSize: "5Gi" } });
  assert.deepEqual(sts.spec!.volumeClaimTemplates, [
    { metadata: { name: "data", labels: sts.metadata!.labels }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "5Gi" } } } },
  ]);
  const volumes = sts.spec!.template.spec!.volumes!.map((v) => v.name);
  assert.deepEqual(volumes, ["config"], "the data volume comes from the claim, not an emptyDir");
  assert.ok(sts.spec!.template.spec!.containers[0]!.volumeMounts!.some((m) => m.name === "data" && m.mountPath === "/data"));
});

it("without persistence the store is an emptyDir and there are no claims", () => {
  const sts = statefulSet({});
  assert.equal(sts.spec!.volumeClaimTemplates, undefined);
  assert.ok(sts.spec!.template.spec!.volumes!.some((v) => v.name === "data" && v.emptyDir));
});

it("defaults to Argo's 20Gi ReadWriteOnce", () => {
  const sts = statefulSet({ persistence: {} });
  assert.deepEqual(sts.spec!.volumeClaimTemplates![0]!.spec, { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } });
});
