// The HTTP API's cluster authentication against a real kube-apiserver (RBAC on): TokenReview for who calls,
// SubjectAccessReview on sensors/eventsources for what they may do; the API itself runs as a ServiceAccount bound to
// system:auth-delegator, as the install's Deployment does.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { JournalClient, type NatsServer } from "@impulse/bus";
import { kubeAuthorizer } from "../../../cli/src/api/auth.js";
import { startApiServer, type ApiServer } from "../../../cli/src/api/serve.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { canI, serviceAccountKubeconfig } from "../../kit/rbac.js";
import { startWebhook } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;
let nats: NatsServer;
let api: ApiServer;
let journal: JournalClient;
let ns: string;
let hook: Awaited<ReturnType<typeof startWebhook>>;
const tokens: Record<string, string> = {};

before(async () => {
  [kube, nats] = await Promise.all([startKube(), startNats()]);
  ns = await kube.newNamespace("api");
  // The bus of that namespace, with its journal (a webhook EventSource creates both streams).
  hook = await startWebhook(nats.url, ns, "orders", "created");
  // The API's own identity: allowed to ask the two reviews, nothing else.
  await kube.kubeConfig.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "impulse-api" } } });
  await kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
    body: {
      metadata: { name: `impulse-api-${ns}` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name: "impulse-api", namespace: ns }],
    },
  });
  await waitFor("the auth-delegator binding", () => canI(kube, ns, "impulse-api")("create", "authorization.k8s.io", "subjectaccessreviews", ""));
  const apiKc = new KubeConfig();
  apiKc.loadFromFile(await serviceAccountKubeconfig(kube, ns, "impulse-api"));
  journal = await JournalClient.connect({ url: nats.url, namespace: ns, busName: "default" });
  api = await startApiServer({ journal, host: "127.0.0.1", port: 0, authorize: kubeAuthorizer(apiKc, ns) });
  // Three callers: may read (as `kubectl get sensors` needs), may also fire, may do nothing with Impulse.
  const read = { apiGroups: ["impulse.dev"], resources: ["sensors", "eventsources"], verbs: ["get", "list", "watch"] };
  for (const [name, rules] of Object.entries({
    viewer: [read],
    operator: [read, { apiGroups: ["impulse.dev"], resources: ["sensors"], verbs: ["update"] }],
    stranger: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
  })) {
    const { kubeConfig } = await kube.serviceAccount(ns, name, rules);
    tokens[name] = kubeConfig.getCurrentUser()!.token!;
  }
});
after(async () => {
  await api?.close();
  await journal?.close();
  await hook?.stop();
  await nats?.stop();
  await kube?.stop();
});

async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) };
  const res = await fetch(api.url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

describe("HTTP API authentication in a cluster", () => {
  it("refuses a caller without a token, or with a token the apiserver does not know, with 401", async () => {
    for (const token of [undefined, "not-a-token"]) {
      const r = await call("GET", "/api/v1/events", token);
      assert.equal(r.status, 401, String(token));
      assert.equal(r.json.error.code, "UNAUTHENTICATED");
      assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
  });

  it("refuses an authenticated ServiceAccount without RBAC on sensors/eventsources with 403, naming what is missing", async () => {
    const r = await call("GET", "/api/v1/events", tokens["stranger"]);
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, "FORBIDDEN");
    assert.match(r.json.error.message, new RegExp(`system:serviceaccount:${ns}:stranger may not list sensors\\.impulse\\.dev in namespace ${ns}`));
  });

  it("lets a ServiceAccount that may get/list sensors and eventsources read (200), but not fire (403)", async () => {
    const id = await hook.send({ n: 1 });
    const list = await call("GET", "/api/v1/events", tokens["viewer"]);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((r: { eventId: string }) => r.eventId), [id]);
    assert.equal((await call("GET", `/api/v1/events/${id}`, tokens["viewer"])).status, 200);
    const replay = await call("POST", "/api/v1/replays", tokens["viewer"], { sensor: "s", ids: [id] });
    assert.equal(replay.status, 403);
    assert.match(replay.json.error.message, /may not update sensors/);
  });

  it("lets a ServiceAccount that may update sensors act: its request is checked, not refused", async () => {
    const r = await call("POST", "/api/v1/redrives", tokens["operator"], {});
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error.field, "eventId");
  });
});
