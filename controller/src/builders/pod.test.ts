// Pod template policy and merge: refused privileged/host settings, unknown fields, user fields merged over defaults.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { childName } from "../meta.js";
import { buildPodTemplate, checkPodTemplate, secretNames } from "./pod.js";

const strict = { allowPrivileged: false };
const base = { labels: { "impulse.dev/sensor-name": "s" }, container: { name: "main", image: "impulse:test", env: [{ name: "A", value: "ours" }] }, serviceAccountName: "s-sensor", secrets: [] };

describe("pod template policy", () => {
  it("refuses privileged containers, host namespaces and hostPath volumes, naming each path", () => {
    const findings = checkPodTemplate(
      { hostNetwork: true, hostPID: true, hostIPC: true, container: { securityContext: { privileged: true } }, volumes: [{ name: "ok", emptyDir: {} }, { name: "root", hostPath: { path: "/" } }] },
      strict,
    );
    assert.deepEqual(findings.map((f) => f.path).sort(), [
      "spec.template.container.securityContext.privileged",
      "spec.template.hostIPC",
      "spec.template.hostNetwork",
      "spec.template.hostPID",
      "spec.template.volumes[1].hostPath",
    ]);
    assert.match(findings[0]!.message, /--allow-privileged-pods/);
  });

  it("lets an admin allow them", () => {
    assert.deepEqual(checkPodTemplate({ hostNetwork: true, container: { securityContext: { privileged: true } }, volumes: [{ name: "h", hostPath: { path: "/var" } }] }, { allowPrivileged: true }), []);
  });

  it("refuses fields that would replace the controller's image or command, and unknown pod fields", () => {
    const findings = checkPodTemplate({ container: { image: "evil", command: ["sh"] }, initContainers: [] }, strict);
    assert.deepEqual(findings.map((f) => f.path).sort(), ["spec.template.container.command", "spec.template.container.image", "spec.template.initContainers"]);
  });

  it("checks shapes so the error names the path instead of the API server refusing the Deployment", () => {
    assert.deepEqual(checkPodTemplate({ volumes: {} as unknown, container: { env: "x" } }, strict).map((f) => `${f.path}: ${f.message}`), [
      "spec.template.volumes: must be a list",
      "spec.template.container.env: must be a list",
    ]);
  });
});

describe("pod template merge", () => {
  it("applies restricted security defaults that the template can override field by field", () => {
    const pod = buildPodTemplate({ ...base, template: { container: { securityContext: { readOnlyRootFilesystem: false } }, securityContext: { runAsUser: 2000 } } });
    const c = pod.spec!.containers[0]!;
    assert.equal(c.securityContext!.readOnlyRootFilesystem, false);
    assert.equal(c.securityContext!.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext!.capabilities, { drop: ["ALL"] });
    assert.equal(pod.spec!.securityContext!.runAsUser, 2000);
    assert.equal(pod.spec!.securityContext!.runAsNonRoot, true);
  });

  it("merges env by name, keeps our labels over the user's, and passes scheduling fields through", () => {
    const pod = buildPodTemplate({
      ...base,
      template: {
        metadata: { labels: { team: "a", "impulse.dev/sensor-name": "hijack" }, annotations: { note: "x" } },
        container: { env: [{ name: "A", value: "theirs" }, { name: "B", value: "b" }], resources: { limits: { memory: "128Mi" } } },
        nodeSelector: { disk: "ssd" },
        serviceAccountName: "custom",
      },
    });
    assert.deepEqual(pod.spec!.containers[0]!.env, [{ name: "A", value: "theirs" }, { name: "B", value: "b" }]);
    assert.deepEqual(pod.metadata!.labels, { team: "a", "impulse.dev/sensor-name": "s" });
    assert.equal(pod.metadata!.annotations!["note"], "x");
    assert.deepEqual(pod.spec!.nodeSelector, { disk: "ssd" });
    assert.equal(pod.spec!.serviceAccountName, "custom");
    assert.deepEqual(pod.spec!.containers[0]!.resources, { limits: { memory: "128Mi" } });
  });
});

describe("secret references and names", () => {
  it("finds {name, key} references anywhere except in objects a k8s trigger creates", () => {
    const spec = {
      webhook: { a: { authSecret: { name: "tok", key: "t" } } },
      triggers: [{ template: { k8s: { source: { resource: { env: [{ valueFrom: { secretKeyRef: { name: "not-mine", key: "k" } } }] } } }, http: { basicAuth: { password: { name: "pw", key: "p", optional: true } } } } }],
    };
    assert.deepEqual(secretNames(spec), ["pw", "tok"]);
  });

  it("shortens long child names with a hash, within 63 characters", () => {
    assert.equal(childName("short", "sensor"), "short-sensor");
    const a = childName("x".repeat(60), "eventsource-svc");
    const b = childName("x".repeat(61), "eventsource-svc");
    assert.ok(a.length <= 63 && b.length <= 63);
    assert.notEqual(a, b);
    assert.match(a, /-eventsource-svc$/);
  });
});
