// `impulse lint` finds every mistake of every file in one run (issue 10 items 14-20, issue 11 item 9).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../kit/cli.js";

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "impulse-lint-all-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), content);
  return d;
}

const eventSource = `apiVersion: argoproj.io/v1alpha1
kind: EventSource
metadata: {name: webhook}
spec:
  webhook:
    example: {port: "12000", endpoint: /example, methd: POST, filter: {expression: "body.amount >> 5"}}
  template:
    serviceAcountName: impulse
`;

const sensor = `apiVersion: argoproj.io/v1alpha1
kind: Sensor
metadata: {name: broken}
spec:
  dependencies:
    - {name: a, eventSourceName: webhok, eventNmae: example, filters: {script: "return ("}}
    - {name: b, eventSourceName: webhook, eventName: exampel, transform: {jq: ".[["}}
  triggers:
    - template:
        name: call
        conditions: "a && c"
        http:
          url: not a url
      parameters:
        - src: {dependencyName: a, dataTemplate: "{{ .Input.body.id | uper }}"}
          dest: body.id
      retryStrategy: {steps: 0, factor: -1}
`;

// Each level expands the previous nine times: 9^7 nodes if the aliases were followed.
const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefg".split("").map((k, i) => `${k}: &${k} [${Array(9).fill("*" + "abcdefg"[i]).join(", ")}]`)].join("\n") + "\n";

describe("impulse lint: one run", () => {
  it("reports every error of every file at once: schema, expressions, templates, names, Lua, jq, pod template, YAML bombs", () => {
    const d = dir({ "es.yaml": eventSource, "sensor.yaml": sensor, "bomb.yaml": bomb });
    const r = runCli(["lint", d]);
    assert.equal(r.status, 1, r.stderr);
    const expected = [
      /bomb\.yaml: .*error: .*[Ee]xcessive alias count/,
      /es\.yaml: EventSource\/webhook: error: spec\.webhook\.example\.filter\.expression: gives a number \(operator >>\), never true or false/,
      /es\.yaml: EventSource\/webhook: error: spec\.template\.serviceAcountName: is not a supported pod template field \(did you mean "serviceAccountName"\?\)/,
      /es\.yaml: EventSource\/webhook: warning: spec\.webhook\.example\.methd: unknown field, ignored \(did you mean "method"\?\)/,
      /sensor\.yaml: Sensor\/broken: error: spec\.dependencies\[0\]\.eventNmae: unknown field; did you mean "eventName"\?/,
      /error: spec\.triggers\[0\]\.template\.http\.url: must be an absolute/,
      /error: spec\.triggers\[0\]\.retryStrategy\.steps: /,
      /error: spec\.triggers\[0\]\.retryStrategy\.factor: /,
      /error: spec\.triggers\[0\]\.parameters\[0\]\.src\.dataTemplate: function "uper" not defined \(did you mean "upper"\?\)/,
      /error: spec\.triggers\[0\]\.template\.conditions: unknown dependency "c"/,
      /error: spec\.dependencies\[0\]\.filters\.script: .*unexpected symbol/,
      /error: spec\.dependencies\[1\]\.transform\.jq: .*syntax error/,
      /warning: spec\.dependencies\[0\]\.eventSourceName: no EventSource "webhok" among the files; did you mean "webhook"\?/,
      /warning: spec\.dependencies\[1\]\.eventName: EventSource "webhook" has no event "exampel"; did you mean "example"\?/,
    ];
    for (const re of expected) assert.match(r.stdout, re);
    // The misspelt required field is one error, not an error plus an "unknown field" warning.
    assert.doesNotMatch(r.stdout, /eventNmae: unknown field, ignored/);
    assert.doesNotMatch(r.stdout, /eventName: Invalid input/);
  });

  it("skips other kinds in a mixed folder and says how many", () => {
    const r = runCli(["lint", "manifests/install/"]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /skipped \d+ documents of other kinds \(.*apps\/v1 Deployment/);
    const mixed = dir({
      "all.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\n`,
    });
    const r2 = runCli(["lint", mixed]);
    assert.equal(r2.status, 1, "an Argo kind Impulse does not have is still an error");
    assert.match(r2.stdout, /Workflow\/w: error: kind: must be one of/);
    assert.match(r2.stdout, /skipped 1 document of other kinds \(apps\/v1 Deployment\)/);
  });

  it("applies the controller's pod template policy", () => {
    const privileged = dir({
      "es.yaml": `apiVersion: argoproj.io/v1alpha1
kind: EventSource
metadata: {name: hooks}
spec:
  webhook:
    e: {port: "12000", endpoint: /e, method: POST}
  template:
    hostNetwork: true
    container: {image: evil, securityContext: {privileged: true}}
`,
    });
    const r = runCli(["lint", privileged]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error: spec\.template\.hostNetwork: host namespaces are not allowed/);
    assert.match(r.stdout, /error: spec\.template\.container\.securityContext\.privileged: privileged containers are not allowed/);
    assert.match(r.stdout, /error: spec\.template\.container\.image: cannot be set/);
    const allowed = runCli(["lint", "--allow-privileged-pods", privileged]);
    assert.doesNotMatch(allowed.stdout, /not allowed/);
    assert.match(allowed.stdout, /container\.image: cannot be set/);
  });

  it("applies the controller's other checks: name length, EventBus values written into nats.conf", () => {
    const d = dir({
      "bus.yaml": `apiVersion: argoproj.io/v1alpha1
kind: EventBus
metadata: {name: ${"b".repeat(64)}}
spec:
  jetstream:
    maxPayload: "1MB; evil"
    streamConfig: |
      maxAge: 24h
`,
    });
    const r = runCli(["lint", d]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error: metadata\.name: must be at most 63 characters/);
    assert.match(r.stdout, /error: spec\.jetstream\.maxPayload: must be a size like 1MB/);
  });
});
