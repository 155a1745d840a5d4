// The argoWorkflow trigger's args: the argo CLI flags that are mapped, ignored and refused, per operation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgoWorkflowTriggerTemplate, parseArgoWorkflowArgs } from "./argo-workflow.js";

describe("parseArgoWorkflowArgs", () => {
  it("maps submit flags in both spellings and keeps parameters in order", () => {
    const { options, problems } = parseArgoWorkflowArgs("submit", ["--entrypoint", "main", "-p", "a=1", "--parameter=b=x=y", "-l", "team=a,tier=b", "--priority=3", "-n", "ci", "-o", "name", "--serviceaccount", "runner"]);
    assert.deepEqual(problems, []);
    assert.deepEqual(options, {
      entrypoint: "main",
      parameters: [{ name: "a", value: "1" }, { name: "b", value: "x=y" }],
      labels: { team: "a", tier: "b" },
      priority: 3,
      namespace: "ci",
      serviceAccount: "runner",
    });
  });

  it("refuses flags that would block, read local files or target other workflows, naming why", () => {
    const { problems } = parseArgoWorkflowArgs("submit", ["--wait", "--parameter-file", "p.yaml", "--server-dry-run"]);
    assert.deepEqual(problems.map((p) => p.index), [0, 1, 3]);
    assert.match(problems[0]!.message, /--wait is not supported: a firing does not block/);
  });

  it("ignores flags that only change what the CLI prints (as Argo's special-workflow-trigger example uses)", () => {
    assert.deepEqual(parseArgoWorkflowArgs("submit", ["--node-field-selector", "phase=abc", "-o=json", "--status", "Running", "-v"]), { options: {}, problems: [] });
  });

  it("refuses a flag the operation does not take, and unknown flags and bare words", () => {
    assert.match(parseArgoWorkflowArgs("suspend", ["--memoized"]).problems[0]!.message, /--memoized does not apply to operation suspend \(only resubmit\)/);
    assert.match(parseArgoWorkflowArgs("submit-from", ["--priority", "2"]).problems[0]!.message, /only submit/);
    assert.match(parseArgoWorkflowArgs("retry", ["--bogus"]).problems[0]!.message, /--bogus is not an argo retry flag/);
    assert.match(parseArgoWorkflowArgs("submit", ["wf.yaml"]).problems[0]!.message, /not a flag/);
  });

  it("checks values: NAME=VALUE, integers, RFC 3339 times, and --restart-successful with a selector", () => {
    assert.equal(parseArgoWorkflowArgs("submit", ["-p", "novalue"]).problems.length, 1);
    assert.equal(parseArgoWorkflowArgs("submit", ["--priority", "high"]).problems.length, 1);
    assert.equal(parseArgoWorkflowArgs("submit-from", ["--scheduled-time", "yesterday"]).problems.length, 1);
    assert.equal(parseArgoWorkflowArgs("retry", ["--restart-successful"]).problems.length, 1);
    assert.deepEqual(parseArgoWorkflowArgs("retry", ["--restart-successful", "--node-field-selector", "displayName=b"]).options, { restartSuccessful: true, nodeFieldSelector: "displayName=b" });
  });

  it("reports problems at the args path when the template is validated", () => {
    const r = ArgoWorkflowTriggerTemplate.safeParse({ source: { resource: { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow" } }, operation: "stop", args: ["--message", "bye", "--watch"] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues.map((i) => i.path), [["args", 2]]);
  });
});
