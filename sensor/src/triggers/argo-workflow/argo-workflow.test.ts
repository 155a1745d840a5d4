// Pure parts of the argoWorkflow trigger: node ids and pod names, node selectors, and the workflows retry and resubmit write.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchesNode, parseNodeSelector } from "./node-selector.js";
import { formulateResubmit } from "./resubmit.js";
import { formulateRetry } from "./retry.js";
import { applySubmitOptions, workflowFromTemplate } from "./submit.js";
import { fnv32a, nodeId, podName, type NodeStatus, type Workflow } from "./workflow.js";

/** A steps workflow whose second step failed: wf → wf[0] → (a Succeeded, b Failed). */
function failedSteps(): Workflow {
  const n = (name: string, type: string, phase: string, extra: Partial<NodeStatus> = {}): NodeStatus => ({ id: nodeId("wf", name), name, displayName: name, type, phase, ...extra });
  const a = n("wf[0].a", "Pod", "Succeeded", { templateName: "echo", boundaryID: "wf" });
  const b = n("wf[0].b", "Pod", "Failed", { templateName: "fail", boundaryID: "wf", message: "exit 1" });
  const sg = n("wf[0]", "StepGroup", "Failed", { boundaryID: "wf", children: [a.id, b.id] });
  const root = n("wf", "Steps", "Failed", { templateName: "main", children: [sg.id], outboundNodes: [a.id, b.id] });
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: { name: "wf", generateName: "w", labels: { "workflows.argoproj.io/completed": "true", "workflows.argoproj.io/phase": "Failed", "workflows.argoproj.io/creator": "someone", team: "a" } },
    spec: { entrypoint: "main", arguments: { parameters: [{ name: "x", value: "1" }] }, shutdown: "Terminate", activeDeadlineSeconds: 0 },
    status: { phase: "Failed", message: "child failed", nodes: Object.fromEntries([root, sg, a, b].map((x) => [x.id, x])), conditions: [{ type: "Completed", status: "True" }] },
  };
}

describe("argo object model", () => {
  it("hashes node names with FNV-1a 32 as Argo does", () => {
    assert.equal(fnv32a(""), 2166136261);
    assert.equal(fnv32a("a"), 0xe40c292c);
    assert.equal(nodeId("wf", "wf"), "wf");
    assert.equal(nodeId("wf", "wf[0].b"), `wf-${fnv32a("wf[0].b")}`);
  });

  it("names pods as v2 (workflow-template-hash) unless the workflow asks for v1", () => {
    const wf = failedSteps();
    const b = Object.values(wf.status!.nodes!).find((x) => x.name === "wf[0].b")!;
    assert.equal(podName(wf, b), `wf-fail-${fnv32a("wf[0].b")}`);
    wf.metadata.annotations = { "workflows.argoproj.io/pod-name-format": "v1" };
    assert.equal(podName(wf, b), b.id);
  });

  it("matches nodes by field selector", () => {
    const node: NodeStatus = { id: "i", name: "wf[0].approve", displayName: "approve", type: "Suspend", phase: "Running", inputs: { parameters: [{ name: "env", value: "prod" }] } };
    assert.equal(matchesNode(parseNodeSelector("displayName=approve"), node), true);
    assert.equal(matchesNode(parseNodeSelector("displayName==approve,inputs.parameters.env.value!=prod"), node), false);
    assert.equal(matchesNode(parseNodeSelector("templateName!=x"), node), true);
    assert.throws(() => parseNodeSelector("displayName"), /not field=value/);
  });
});

describe("submit options", () => {
  it("references a template and applies the CLI's options and the caller's labels", () => {
    const wf = applySubmitOptions(workflowFromTemplate("build", true), { entrypoint: "e", parameters: [{ name: "p", value: "v" }], labels: { l: "1" }, generateName: "g-" }, { "workflows.argoproj.io/creator": "me" });
    assert.deepEqual(wf.metadata, { generateName: "g-", labels: { "workflows.argoproj.io/cluster-workflow-template": "build", l: "1", "workflows.argoproj.io/creator": "me" }, annotations: {} });
    assert.deepEqual(wf.spec, { workflowTemplateRef: { name: "build", clusterScope: true }, entrypoint: "e", arguments: { parameters: [{ name: "p", value: "v" }] } });
  });
});

describe("retry", () => {
  it("resets the failed branch and its ancestors, keeps the succeeded step and lists the failed pod", () => {
    const wf = failedSteps();
    const { workflow: out, podsToDelete } = formulateRetry(wf, { parameters: [{ name: "x", value: "2" }] }, "2026-01-01T00:00:00Z");
    const byName = Object.fromEntries(Object.values(out.status!.nodes!).map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(byName).sort(), ["wf", "wf[0]", "wf[0].a"]);
    assert.equal(byName["wf"]!.phase, "Running");
    assert.equal(byName["wf[0]"]!.phase, "Running");
    assert.deepEqual(byName["wf[0]"]!.children, [nodeId("wf", "wf[0].a")]);
    assert.deepEqual(byName["wf"]!.outboundNodes, [nodeId("wf", "wf[0].a")]);
    assert.equal(byName["wf[0].a"]!.phase, "Succeeded");
    assert.deepEqual(podsToDelete, [`wf-fail-${fnv32a("wf[0].b")}`]);
    assert.equal(out.status!.phase, "Running");
    assert.equal(out.metadata.labels!["workflows.argoproj.io/phase"], "Running");
    assert.equal(out.metadata.labels!["workflows.argoproj.io/completed"], undefined);
    assert.deepEqual(out.status!.conditions, [{ type: "Completed", status: "False" }]);
    assert.equal(out.spec.shutdown, undefined);
    assert.equal(out.spec.activeDeadlineSeconds, undefined);
    assert.deepEqual(out.spec.arguments!.parameters, [{ name: "x", value: "2" }]);
    assert.equal(wf.status!.phase, "Failed", "the input is not changed");
  });

  it("refuses a running workflow, and a succeeded one without --restart-successful", () => {
    const wf = failedSteps();
    wf.status!.phase = "Running";
    assert.throws(() => formulateRetry(wf, {}), /cannot retry workflow wf in phase Running/);
    wf.status!.phase = "Succeeded";
    assert.throws(() => formulateRetry(wf, {}), /restart-successful/);
  });

  it("restarts a succeeded node the selector picks", () => {
    const wf = failedSteps();
    wf.status!.phase = "Succeeded";
    const { workflow, podsToDelete } = formulateRetry(wf, { restartSuccessful: true, nodeFieldSelector: "displayName=wf[0].a" });
    assert.ok(!Object.values(workflow.status!.nodes!).some((x) => x.name === "wf[0].a"));
    assert.equal(podsToDelete.length, 2);
  });
});

describe("resubmit", () => {
  it("copies spec and user labels into a new generateName workflow that names the old one", () => {
    const out = formulateResubmit(failedSteps(), false, undefined);
    assert.deepEqual(out.metadata, { generateName: "w", labels: { team: "a", "workflows.argoproj.io/resubmitted-from-workflow": "wf" }, annotations: {} });
    assert.deepEqual(out.spec, { entrypoint: "main", arguments: { parameters: [{ name: "x", value: "1" }] } });
    assert.equal(out.status, undefined);
  });

  it("memoized: renames the nodes, skips succeeded pods and sets failed ones Pending", () => {
    const out = formulateResubmit(failedSteps(), true, undefined, "abcde");
    assert.equal(out.metadata.name, "wabcde");
    const byName = Object.fromEntries(Object.values(out.status!.nodes!).map((x) => [x.name, x]));
    assert.equal(byName["wabcde[0].a"]!.phase, "Skipped");
    assert.equal(byName["wabcde[0].a"]!.message, `original pod: ${nodeId("wf", "wf[0].a")}`);
    assert.equal(byName["wabcde[0].b"]!.phase, "Pending");
    assert.equal(byName["wabcde[0].b"]!.id, nodeId("wabcde", "wabcde[0].b"));
    assert.throws(() => formulateResubmit({ ...failedSteps(), status: { phase: "Running" } }, true, undefined), /must be Failed or Error/);
  });
});
