// `impulse lint`: path-aware errors and exit codes, on bad specs and on every shipped example.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../kit/cli.js";

function file(content: string): string {
  const p = join(mkdtempSync(join(tmpdir(), "impulse-lint-")), "spec.yaml");
  writeFileSync(p, content);
  return p;
}

describe("impulse lint", () => {
  it("rejects a Sensor with a missing eventSourceName and an invalid URL, naming both paths", () => {
    const p = file(`apiVersion: argoproj.io/v1alpha1
kind: Sensor
metadata: {name: broken}
spec:
  dependencies:
    - name: dep
      eventName: example
  triggers:
    - template:
        name: call
        http:
          url: not a url
`);
    const r = runCli(["lint", p]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /Sensor\/broken: error: spec\.dependencies\[0\]\.eventSourceName: /);
    assert.match(r.stdout, /error: spec\.triggers\[0\]\.template\.http\.url: must be an absolute http:\/\/ or https:\/\/ URL/);
  });

  it("warns about unknown fields instead of dropping them silently, and still exits 0", () => {
    const p = file(`apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: typo}
spec:
  dependencies:
    - {name: dep, eventSourceName: webhook, eventName: example}
  triggers:
    - template:
        name: call
        atLeastOnce: true
        log: {}
`);
    const r = runCli(["lint", p]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /warning: spec\.triggers\[0\]\.template\.atLeastOnce: unknown field, ignored/);
  });

  it("names Argo features the runtime does not have yet as errors", () => {
    const p = file(`apiVersion: argoproj.io/v1alpha1
kind: Sensor
metadata: {name: later}
spec:
  dependencies:
    - {name: dep, eventSourceName: webhook, eventName: example, filters: {script: "return true"}}
  triggers:
    - template: {name: wf, openWhisk: {action: hello}}
`);
    const r = runCli(["lint", p]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /spec\.triggers\[0\]\.template\.openWhisk: trigger kind "openWhisk" is not supported yet/);
    const runtime = file(`apiVersion: argoproj.io/v1alpha1
kind: Sensor
metadata: {name: scripted}
spec:
  dependencies:
    - {name: dep, eventSourceName: webhook, eventName: example}
  triggers:
    - template: {name: h, http: {url: "https://example.invalid/x", tls: {insecureSkipVerify: true}}}
`);
    const r2 = runCli(["lint", runtime]);
    assert.equal(r2.status, 1);
    assert.match(r2.stdout, /spec\.triggers\[0\]\.template\.http\.tls: trigger TLS settings is not supported yet/);
  });

  it("compiles Lua and jq programs and names their syntax errors", () => {
    const p = file(`apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: programs}
spec:
  dependencies:
    - {name: a, eventSourceName: s, eventName: e, filters: {script: "return ("}}
    - {name: b, eventSourceName: s, eventName: f, transform: {jq: ".[["}}
  triggers:
    - template: {name: l, conditions: "a || b", log: {}}
`);
    const r = runCli(["lint", p]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error: spec\.dependencies\[0\]\.filters\.script: .*unexpected symbol/);
    assert.match(r.stdout, /error: spec\.dependencies\[1\]\.transform\.jq: .*syntax error/);
  });

  it("reports YAML syntax errors and unknown kinds", () => {
    assert.equal(runCli(["lint", file("kind: [unclosed")]).status, 1);
    const r = runCli(["lint", file("apiVersion: impulse.dev/v1alpha1\nkind: Workflow\nmetadata: {name: x}\n")]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error: kind: must be one of EventSource, Sensor, EventBus/);
  });

  it("passes every example shipped in manifests/examples", () => {
    const r = runCli(["lint", "manifests/examples"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /warning|error/);
  });
});
