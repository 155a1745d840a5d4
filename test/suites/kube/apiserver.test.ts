// Smoke test of the kube-apiserver + etcd test kit: version stamp, objects, watch, RBAC for a limited ServiceAccount.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiException, CoreV1Api, VersionApi, Watch, type V1ConfigMap } from "@kubernetes/client-node";
import { startKube, type Kube } from "../../kit/kube.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;

before(async () => {
  kube = await startKube();
});
after(async () => {
  await kube?.stop();
});

describe("kube-apiserver test kit", () => {
  it("reports the version the binary was stamped with", async () => {
    const v = await kube.kubeConfig.makeApiClient(VersionApi).getCode();
    assert.match(v.gitVersion, /^v1\.\d+\.\d+$/);
    if (kube.version) assert.equal(v.gitVersion, kube.version);
    assert.equal(v.major, "1");
  });

  it("creates a namespace and a ConfigMap, and a watch sees it ADDED", async () => {
    const ns = await kube.newNamespace("smoke");
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const seen: { phase: string; name: string | undefined }[] = [];
    const watch = await new Watch(kube.kubeConfig).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      {},
      (phase, obj: V1ConfigMap) => seen.push({ phase, name: obj.metadata?.name }),
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "hello" }, data: { greeting: "hi" } } });
      const added = await waitFor("ADDED event", () => seen.find((e) => e.phase === "ADDED" && e.name === "hello"));
      assert.equal(added.name, "hello");
      const read = await core.readNamespacedConfigMap({ namespace: ns, name: "hello" });
      assert.deepEqual(read.data, { greeting: "hi" });
    } finally {
      watch.abort();
    }
  });

  it("gives a limited ServiceAccount exactly its rights: reads allowed, creates denied with 403", async () => {
    const ns = await kube.newNamespace("rbac");
    const admin = kube.kubeConfig.makeApiClient(CoreV1Api);
    await admin.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "visible" }, data: { a: "1" } } });
    const sa = await kube.serviceAccount(ns, "reader", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }]);
    const core = sa.kubeConfig.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    assert.deepEqual(list.items.map((c) => c.metadata?.name).filter((n) => n === "visible"), ["visible"]);
    await assert.rejects(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "nope" } } }), (e: unknown) => {
      assert.ok(e instanceof ApiException);
      assert.equal(e.code, 403);
      const status = JSON.parse(String(e.body)) as { reason: string; message: string };
      assert.equal(status.reason, "Forbidden");
      assert.match(status.message, /cannot create resource "configmaps"/);
      return true;
    });
  });
});
