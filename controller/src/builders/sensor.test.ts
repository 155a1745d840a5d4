// Sensor builder: one replica, Recreate, `impulse sensor` with the spec, its ServiceAccount, secrets mounted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Sensor } from "@impulse/api";
import type { V1Deployment } from "@kubernetes/client-node";
import { buildSensor } from "./sensor.js";
import type { CustomResource, RuntimeOptions } from "./types.js";
import { validate } from "./validate.js";

const opts: RuntimeOptions = { image: "impulse:test", imagePullPolicy: "IfNotPresent", policy: { allowPrivileged: false } };
const spec = {
  dependencies: [{ name: "d", eventSourceName: "hooks", eventName: "example" }],
  triggers: [{ template: { name: "call", http: { url: "http://example.com", method: "POST", basicAuth: { username: { name: "creds", key: "user" }, password: { name: "creds", key: "pass" } } } } }],
};

function plan(extra: Record<string, unknown> = {}) {
  const cr: CustomResource = { apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name: "orders", namespace: "team", uid: "u-s" }, spec: { ...spec, ...extra } };
  const v = validate<Sensor>(cr, opts.policy);
  assert.ok(v.ok, JSON.stringify(!v.ok && v.findings));
  return buildSensor(cr, v.resource, { url: "nats://bus:4222" }, opts);
}
const deploymentOf = (p: ReturnType<typeof plan>) => p.objects.find((o) => o.kind === "Deployment") as unknown as V1Deployment;

describe("Sensor builder", () => {
  it("runs `impulse sensor` in one replica, never two at once, with its own ServiceAccount", () => {
    const p = plan();
    const d = deploymentOf(p);
    assert.equal(d.metadata!.name, "orders-sensor");
    assert.equal(d.spec!.replicas, 1);
    assert.equal(d.spec!.strategy!.type, "Recreate");
    const c = d.spec!.template.spec!.containers[0]!;
    assert.deepEqual(c.args, ["sensor"]);
    assert.equal(c.imagePullPolicy, "IfNotPresent");
    assert.equal(JSON.parse(c.env!.find((e) => e.name === "IMPULSE_SPEC")!.value!).kind, "Sensor");
    assert.equal(c.env!.some((e) => e.name === "IMPULSE_BUS_AUTH"), false);
    assert.equal(d.spec!.template.spec!.serviceAccountName, "orders-sensor");
    assert.equal(p.objects.find((o) => o.kind === "ServiceAccount")?.metadata.name, "orders-sensor");
    assert.ok(d.spec!.template.spec!.volumes!.some((v) => v.secret?.secretName === "creds"));
    assert.equal(p.leaderElect, false);
  });

  it("runs extra replicas as standbys behind a Lease, rolled one at a time; zero scales it down", () => {
    const p = plan({ replicas: 3 });
    const d = deploymentOf(p);
    assert.equal(d.spec!.replicas, 3);
    assert.equal(p.leaderElect, true);
    assert.ok(d.spec!.template.spec!.containers[0]!.env!.some((e) => e.name === "IMPULSE_LEADER_ELECT" && e.value === "true"));
    assert.equal(d.spec!.strategy!.type, "RollingUpdate");
    assert.equal(deploymentOf(plan({ replicas: 1 })).spec!.strategy!.type, "Recreate", "a single sensor is never doubled during a rollout");
    assert.equal(deploymentOf(plan({ replicas: 0 })).spec!.replicas, 0);
  });

  it("uses the template's service account instead of creating one", () => {
    const p = plan({ template: { serviceAccountName: "deployer" } });
    assert.equal(deploymentOf(p).spec!.template.spec!.serviceAccountName, "deployer");
    assert.equal(p.objects.some((o) => o.kind === "ServiceAccount"), false);
  });
  it("hands the controller's egress policy to the Sensor pod", () => {
    const egress = { deny: ["10.0.0.0/8"], allow: ["*.example.com"] };
    const cr: CustomResource = { apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name: "orders", namespace: "team", uid: "u-s" }, spec };
    const v = validate<Sensor>(cr, opts.policy);
    assert.ok(v.ok);
    const env = (withPolicy: RuntimeOptions) => (buildSensor(cr, v.resource, { url: "nats://bus:4222" }, withPolicy).objects.find((o) => o.kind === "Deployment") as unknown as V1Deployment).spec!.template.spec!.containers[0]!.env!;
    assert.deepEqual(JSON.parse(env({ ...opts, egressPolicy: egress }).find((e) => e.name === "IMPULSE_EGRESS_POLICY")!.value!), egress);
    assert.equal(env(opts).some((e) => e.name === "IMPULSE_EGRESS_POLICY"), false);
  });
  it("hands the controller's OTEL_* variables to the pod; the pod template's env wins", () => {
    const otelEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_SAMPLER: "parentbased_traceidratio" };
    const cr: CustomResource = {
      apiVersion: "impulse.dev/v1alpha1",
      kind: "Sensor",
      metadata: { name: "orders", namespace: "team", uid: "u-s" },
      spec: { ...spec, template: { container: { env: [{ name: "OTEL_TRACES_SAMPLER", value: "always_off" }] } } },
    };
    const v = validate<Sensor>(cr, opts.policy);
    assert.ok(v.ok);
    const env = (o: RuntimeOptions) => (buildSensor(cr, v.resource, { url: "nats://bus:4222" }, o).objects.find((x) => x.kind === "Deployment") as unknown as V1Deployment).spec!.template.spec!.containers[0]!.env!;
    const withOtel = env({ ...opts, otelEnv });
    assert.equal(withOtel.find((e) => e.name === "OTEL_EXPORTER_OTLP_ENDPOINT")?.value, "http://collector:4318");
    assert.deepEqual(withOtel.filter((e) => e.name === "OTEL_TRACES_SAMPLER").map((e) => e.value), ["always_off"]);
    assert.equal(env(opts).some((e) => e.name === "OTEL_EXPORTER_OTLP_ENDPOINT"), false);
  });

  it("mounts the message templates' ConfigMap (optional) only when a trigger names a template", () => {
    const none = deploymentOf(plan()).spec!.template.spec!;
    assert.equal(none.volumes!.some((v) => v.configMap), false);
    const triggers = [{ template: { name: "call", http: { url: "http://example.com" } }, dlqTrigger: { template: { name: "dlq", http: { url: "http://example.com" } }, messageTemplate: "failed" } }];
    const pod = deploymentOf(plan({ triggers })).spec!.template.spec!;
    assert.deepEqual(pod.volumes!.find((v) => v.name === "impulse-templates")!.configMap, { name: "impulse-notification-templates", optional: true });
    const c = pod.containers[0]!;
    assert.deepEqual(c.volumeMounts!.find((m) => m.name === "impulse-templates"), { name: "impulse-templates", mountPath: "/impulse/templates", readOnly: true });
    assert.equal(c.env!.find((e) => e.name === "IMPULSE_TEMPLATES")!.value, "/impulse/templates");
  });
});
