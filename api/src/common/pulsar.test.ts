// The pulsar and custom trigger schemas and the pure Pulsar helpers: Argo's fields, refused ones named by path, where the WebSocket API is.
import assert from "node:assert/strict";
import { it } from "node:test";
import { PulsarConfig } from "../eventsource/sources/pulsar.js";
import { PulsarTriggerTemplate } from "../sensor/triggers/pulsar.js";
import { CustomTriggerTemplate } from "../sensor/triggers/custom.js";
import { pulsarTopicPath, pulsarWebSocketBase, resolvePulsarClientOptions } from "./pulsar.js";
import { parseResource } from "../validate.js";

it("finds the WebSocket API on Pulsar's default web ports for a pulsar:// url, or where webServiceURL says", () => {
  assert.equal(pulsarWebSocketBase("pulsar://pulsar.svc:6650"), "ws://pulsar.svc:8080/ws/v2");
  assert.equal(pulsarWebSocketBase("pulsar+ssl://pulsar.svc:6651"), "wss://pulsar.svc:8443/ws/v2");
  assert.equal(pulsarWebSocketBase("pulsar://pulsar.svc:6650", "http://127.0.0.1:39001"), "ws://127.0.0.1:39001/ws/v2");
  assert.equal(pulsarWebSocketBase("https://pulsar.svc:8443/"), "wss://pulsar.svc:8443/ws/v2");
});

it("names topics as the WebSocket API's path does: short names in public/default", () => {
  assert.equal(pulsarTopicPath("orders"), "persistent/public/default/orders");
  assert.equal(pulsarTopicPath("persistent://shop/eu/orders"), "persistent/shop/eu/orders");
  assert.equal(pulsarTopicPath("non-persistent://shop/eu/ticks"), "non-persistent/shop/eu/ticks");
});

it("takes Argo's example fields and refuses Athenz by path", () => {
  assert.ok(PulsarConfig.safeParse({ url: "pulsar://pulsar.argo-events.svc:6650", topics: ["test", "foo"], type: "exclusive" }).success);
  const athenz = PulsarConfig.safeParse({ url: "pulsar://p:6650", topics: ["t"], authAthenzParams: { tenantDomain: "x" } });
  assert.equal(athenz.success, false);
  assert.deepEqual(athenz.error!.issues.map((i) => i.path.join(".")), ["authAthenzParams"]);
  assert.equal(PulsarConfig.safeParse({ url: "tcp://p:6650", topics: ["t"] }).success, false);
  assert.equal(PulsarConfig.safeParse({ url: "pulsar://p:6650", topics: [] }).success, false);
  assert.ok(PulsarTriggerTemplate.safeParse({ url: "pulsar://p:6650", topic: "persistent://a/b/c" }).success);
  assert.equal(PulsarTriggerTemplate.safeParse({ url: "pulsar://p:6650", topic: "a/b" }).success, false);
});

it("maps TLS and token fields to client options: the chain checked, the host name only with tlsValidateHostname", async () => {
  const secret = async (r: { name: string; key: string }) => `${r.name}/${r.key}`;
  const o = await resolvePulsarClientOptions({ authTokenSecret: { name: "t", key: "jwt" }, tlsTrustCertsSecret: { name: "ca", key: "crt" } }, secret);
  assert.deepEqual([o.headers, o.ca, o.rejectUnauthorized, typeof o.checkServerIdentity], [{ Authorization: "Bearer t/jwt" }, "ca/crt", undefined, "function"]);
  const strict = await resolvePulsarClientOptions({ tlsValidateHostname: true }, secret);
  assert.equal(strict.checkServerIdentity, undefined);
  assert.equal((await resolvePulsarClientOptions({ tlsAllowInsecureConnection: true }, secret)).rejectUnauthorized, false);
});

it("custom trigger: Argo's fields; certSecret required with secure; serverURL a gRPC target", () => {
  assert.ok(CustomTriggerTemplate.safeParse({ serverURL: "tekton-trigger.argo-events.svc:9000", spec: { url: "https://x" } }).success);
  const insecure = CustomTriggerTemplate.safeParse({ serverURL: "h:9000", secure: true, spec: {} });
  assert.deepEqual(insecure.error?.issues.map((i) => i.path.join(".")), ["certSecret"]);
  assert.equal(CustomTriggerTemplate.safeParse({ serverURL: "http://h:9000", spec: {} }).success, false);
  assert.ok(CustomTriggerTemplate.safeParse({ serverURL: "dns:///h:9000", spec: {} }).success);
  assert.equal(CustomTriggerTemplate.safeParse({ serverURL: "h:9000" }).success, false, "spec is required");
});

it("names the path of a refused field in a Sensor", () => {
  const r = parseResource({
    apiVersion: "argoproj.io/v1alpha1", kind: "Sensor", metadata: { name: "s" },
    spec: {
      dependencies: [{ name: "d", eventSourceName: "e", eventName: "e" }],
      triggers: [
        { template: { name: "c", custom: { serverURL: "h:9000", secure: true, spec: {} } } },
        { template: { name: "p", pulsar: { url: "pulsar://p:6650", topic: "t", authAthenzSecret: { name: "a", key: "k" } } } },
      ],
    },
  });
  assert.equal(r.ok, false);
  const text = r.ok ? "" : r.errors.map((e) => e.path).join("\n");
  assert.match(text, /spec\.triggers\[0\]\.template\.custom\.certSecret/);
  assert.match(text, /spec\.triggers\[1\]\.template\.pulsar\.authAthenzSecret/);
});
