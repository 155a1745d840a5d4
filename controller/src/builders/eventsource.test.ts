// EventSource builder: Deployment args/env/labels/owner, leader election by source strategy, Service, config hash.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventSource } from "@impulse/api";
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { CONFIG_HASH } from "../meta.js";
import { buildEventSource, type StrategyOf } from "./eventsource.js";
import type { CustomResource, RuntimeOptions } from "./types.js";
import { validate } from "./validate.js";

const opts: RuntimeOptions = { image: "impulse:test", policy: { allowPrivileged: false } };
const bus = { url: "nats://eventbus-default-js.team.svc:4222", accessSecret: { name: "eventbus-default-js-auth", key: "token" }, streamConfig: { replicas: 3 } };
const strategyOf: StrategyOf = (t) => (t === "resource" ? "leader" : "active-active");
const TYPES = ["webhook", "resource", "kafka"];

function cr(spec: Record<string, unknown>, name = "hooks"): CustomResource {
  return { apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name, namespace: "team", uid: "uid-1", generation: 1 }, spec };
}
const webhookSpec = { service: { ports: [{ port: 12000, targetPort: 12000 }] }, webhook: { example: { port: "12000", endpoint: "/example", method: "POST" } } };
const resourceSpec = { resource: { pods: { version: "v1", resource: "pods", eventTypes: ["ADD"] } } };

function plan(c: CustomResource, o = opts) {
  const v = validate<EventSource>(c, o.policy);
  assert.ok(v.ok, JSON.stringify(!v.ok && v.findings));
  return buildEventSource(c, v.resource, bus, o, strategyOf, TYPES);
}
const deploymentOf = (p: ReturnType<typeof plan>) => p.objects.find((o) => o.kind === "Deployment") as unknown as V1Deployment;
const envOf = (d: V1Deployment) => Object.fromEntries(d.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("EventSource builder", () => {
  it("runs `impulse eventsource` with the spec, bus, namespace and downward-API identity", () => {
    const p = plan(cr(webhookSpec));
    const d = deploymentOf(p);
    assert.equal(d.metadata!.name, "hooks-eventsource");
    const c = d.spec!.template.spec!.containers[0]!;
    assert.deepEqual(c.args, ["eventsource"]);
    assert.equal(c.image, "impulse:test");
    const env = envOf(d);
    assert.deepEqual(JSON.parse(env["IMPULSE_SPEC"] as string), { apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name: "hooks", namespace: "team" }, spec: webhookSpec });
    assert.equal(env["IMPULSE_BUS_URL"], bus.url);
    assert.equal(env["IMPULSE_NAMESPACE"], "team");
    assert.deepEqual(env["POD_NAME"], { fieldRef: { fieldPath: "metadata.name" } });
    assert.deepEqual(env["IMPULSE_BUS_AUTH"], { secretKeyRef: { name: "eventbus-default-js-auth", key: "token" } });
    assert.equal(env["IMPULSE_BUS_STREAM"], JSON.stringify({ replicas: 3 }));
    assert.equal(env["IMPULSE_LEADER_ELECT"], undefined);
    assert.deepEqual(d.metadata!.ownerReferences, [{ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", name: "hooks", uid: "uid-1", controller: true, blockOwnerDeletion: true }]);
    assert.equal(d.metadata!.labels!["impulse.dev/eventsource-name"], "hooks");
    assert.equal(d.spec!.template.metadata!.labels!["impulse.dev/eventsource-name"], "hooks");
    assert.deepEqual(d.spec!.selector.matchLabels, { "app.kubernetes.io/component": "eventsource", "impulse.dev/eventsource-name": "hooks" });
    assert.match(d.spec!.template.metadata!.annotations![CONFIG_HASH]!, /^[0-9a-f]{16}$/);
    assert.deepEqual(p.sourceTypes, ["webhook"]);
  });

  it("exposes spec.service ports in a Service selecting the pods", () => {
    const svc = plan(cr(webhookSpec)).objects.find((o) => o.kind === "Service") as unknown as V1Service;
    assert.equal(svc.metadata!.name, "hooks-eventsource-svc");
    assert.deepEqual(svc.spec!.ports, [{ name: "port-12000", port: 12000, targetPort: 12000, protocol: "TCP" }]);
    assert.deepEqual(svc.spec!.selector, { "app.kubernetes.io/component": "eventsource", "impulse.dev/eventsource-name": "hooks" });
    const noService = plan(cr({ webhook: webhookSpec.webhook }));
    assert.equal(noService.objects.filter((o) => o.kind === "Service").length, 0);
  });

  it("elects a leader only for singleton sources with several replicas, and never runs one twice during a rollout", () => {
    const one = plan(cr(resourceSpec));
    assert.equal(one.leaderElect, false);
    assert.equal((deploymentOf(one).spec!.strategy as { type: string }).type, "Recreate");
    const three = plan(cr({ ...resourceSpec, replicas: 3 }));
    assert.equal(three.leaderElect, true);
    assert.equal(envOf(deploymentOf(three))["IMPULSE_LEADER_ELECT"], "true");
    assert.equal(deploymentOf(three).spec!.replicas, 3);
    assert.equal(deploymentOf(three).spec!.strategy!.type, "RollingUpdate");
    const webhooks = plan(cr({ ...webhookSpec, replicas: 3 }));
    assert.equal(webhooks.leaderElect, false);
    assert.equal(deploymentOf(webhooks).spec!.strategy!.type, "RollingUpdate");
  });

  it("changes the config hash when the spec changes, and only then", () => {
    const a = deploymentOf(plan(cr(webhookSpec))).spec!.template.metadata!.annotations![CONFIG_HASH];
    const again = deploymentOf(plan(cr(webhookSpec))).spec!.template.metadata!.annotations![CONFIG_HASH];
    const changed = { ...webhookSpec, webhook: { example: { ...webhookSpec.webhook.example, endpoint: "/other" } } };
    const b = deploymentOf(plan(cr(changed))).spec!.template.metadata!.annotations![CONFIG_HASH];
    assert.equal(a, again);
    assert.notEqual(a, b);
  });

  it("creates a ServiceAccount unless the template names one", () => {
    assert.equal(plan(cr(webhookSpec)).objects.find((o) => o.kind === "ServiceAccount")?.metadata.name, "hooks-eventsource");
    const own = plan(cr({ ...webhookSpec, template: { serviceAccountName: "watcher" } }));
    assert.equal(own.objects.some((o) => o.kind === "ServiceAccount"), false);
    assert.equal(deploymentOf(own).spec!.template.spec!.serviceAccountName, "watcher");
  });

  it("mounts the Secrets the spec refers to under the secrets directory", () => {
    const spec = { webhook: { example: { ...webhookSpec.webhook.example, authSecret: { name: "hook-token", key: "token" } } } };
    const pod = deploymentOf(plan(cr(spec))).spec!.template.spec!;
    assert.ok(pod.volumes!.some((v) => v.secret?.secretName === "hook-token" && v.secret.optional === true));
    assert.ok(pod.containers[0]!.volumeMounts!.some((m) => m.mountPath === "/impulse/secrets/hook-token" && m.readOnly));
  });

  it("refuses an invalid spec with the path, and a name too long for a label", () => {
    const bad = validate(cr({ webhook: { example: { port: "99999", endpoint: "/x" } } }), opts.policy);
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.reason === "InvalidSpec" && bad.findings.some((f) => f.path === "spec.webhook.example.port"));
    const long = validate(cr(webhookSpec, "a".repeat(64)), opts.policy);
    assert.ok(!long.ok && long.findings[0]!.path === "metadata.name");
  });
});
