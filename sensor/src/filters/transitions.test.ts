import assert from "node:assert/strict";
import { it } from "node:test";
import { parseTransition, type ImpulseEvent } from "@impulse/api";
import { compileTransitions, happened } from "./transitions.js";

const ev = (data: unknown): ImpulseEvent => ({ specversion: "1.0", id: "1", source: "s", subject: "e", type: "resource", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data });
const app = (health: string | undefined) => ({ status: health === undefined ? {} : { health: { status: health } } });
const update = (from: string | undefined, to: string | undefined) => ev({ type: "UPDATE", body: app(to), oldBody: app(from) });

it("parses the one-line form; from is optional, values are |-separated", () => {
  assert.deepEqual(parseTransition("status.health.status: Progressing -> Healthy|Degraded"), { path: "status.health.status", from: ["Progressing"], to: ["Healthy", "Degraded"] });
  assert.deepEqual(parseTransition("status.phase: -> Failed"), { path: "status.phase", from: [], to: ["Failed"] });
  assert.deepEqual(parseTransition("status.phase: * -> Failed"), { path: "status.phase", from: ["*"], to: ["Failed"] });
  assert.match(parseTransition("status.phase Failed") as string, /must read/);
  assert.match(parseTransition("status.phase: a -> ") as string, /at least one value after ->/);
  assert.deepEqual(parseTransition("status.currentStepIndex: -> *"), { path: "status.currentStepIndex", from: [], to: [] });
  assert.match(parseTransition("status.phase: a|| -> b") as string, /empty value/);
});

it("entered: the new value is a target and the old one differs (or is one of from)", () => {
  assert.equal(happened({ from: [], to: ["Degraded"] }, "Healthy", "Degraded"), true);
  assert.equal(happened({ from: [], to: ["Degraded"] }, "Degraded", "Degraded"), false, "staying in the state is not entering it");
  assert.equal(happened({ from: [], to: ["Degraded"] }, undefined, "Degraded"), true, "from nothing");
  assert.equal(happened({ from: ["Progressing"], to: ["Healthy"] }, "Suspended", "Healthy"), false);
  assert.equal(happened({ from: ["Progressing"], to: ["Healthy"] }, undefined, "Healthy"), false);
  assert.equal(happened({ from: [], to: [] }, "1", "2"), true, "-> *: changed");
  assert.equal(happened({ from: [], to: [] }, "2", "2"), false);
  assert.equal(happened({ from: [], to: [] }, "2", undefined), false, "a value that disappeared entered nothing");
  assert.equal(happened({ from: ["*"], to: [] }, undefined, "0"), false, "* -> *: a value that appears did not change");
  assert.equal(happened({ from: ["*"], to: [] }, "0", "1"), true);
});

it("fires on the UPDATE that enters the state, not on the next one that stays in it", () => {
  const f = compileTransitions(["status.health.status: Progressing -> Healthy|Degraded"], "spec.dependencies[0].filters");
  assert.equal(f(update("Progressing", "Healthy")).pass, true);
  assert.equal(f(update("Progressing", "Degraded")).pass, true);
  const stay = f(update("Healthy", "Healthy"));
  assert.equal(stay.pass, false);
  assert.match(stay.reason!, /status.health.status Healthy -> Healthy/);
  assert.equal(f(update("Suspended", "Healthy")).pass, false);
});

it("any of several transitions passes; ADD enters only without from; DELETE never", () => {
  const f = compileTransitions(["status.health.status: Suspended -> Progressing", "status.health.status: -> Degraded"], "x");
  assert.equal(f(update("Suspended", "Progressing")).pass, true);
  assert.equal(f(ev({ type: "ADD", body: app("Degraded"), oldBody: null })).pass, true);
  assert.equal(f(ev({ type: "ADD", body: app("Progressing"), oldBody: null })).pass, false);
  assert.equal(f(ev({ type: "DELETE", body: app("Degraded"), oldBody: null })).pass, false);
  const noBody = f(ev({ hello: 1 }));
  assert.equal(noBody.pass, false);
  assert.equal(noBody.error, true);
});

it("a malformed transition is an error naming its path", () => {
  assert.throws(() => compileTransitions(["nope"], "spec.dependencies[0].filters"), /spec\.dependencies\[0\]\.filters\.transitions\[0\]: must read/);
});
