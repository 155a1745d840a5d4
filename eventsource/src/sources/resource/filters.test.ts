import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ResourceFilter, LabelSelector } from "@impulse/api";
import { changeTime, compileObjectFilter, labelSelectorString } from "./filters.js";
import { eventFingerprint } from "./kube-events.js";
import type { KubeObject } from "../../kube-http.js";

const pod = (over: Partial<KubeObject["metadata"]> = {}, rest: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: "my-pod-1", namespace: "ns", uid: "u1", resourceVersion: "10", creationTimestamp: "2026-01-01T00:00:00Z", ...over },
  status: { phase: "Running" },
  ...rest,
});

describe("labelSelectorString", () => {
  const sel = (...s: unknown[]) => labelSelectorString(s.map((x) => LabelSelector.parse(x)));
  it("renders every Argo operation in the API server's syntax", () => {
    assert.equal(sel({ key: "app", value: "my-pod" }), "app==my-pod");
    assert.equal(sel({ key: "app", operation: "=", value: "a" }, { key: "tier", operation: "!=", value: "db" }), "app=a,tier!=db");
    assert.equal(sel({ key: "env", operation: "in", value: "prod, staging" }), "env in (prod,staging)");
    assert.equal(sel({ key: "env", operation: "notin", value: "dev" }), "env notin (dev)");
    assert.equal(sel({ key: "canary", operation: "exists" }, { key: "legacy", operation: "!" }), "canary,!legacy");
    assert.equal(sel({ key: "gen", operation: "gt", value: "3" }, { key: "gen", operation: "lt", value: "9" }), "gen>3,gen<9");
    assert.equal(labelSelectorString(undefined), "");
  });
  it("rejects operations and values the API server would refuse", () => {
    assert.equal(LabelSelector.safeParse({ key: "a", operation: ">=", value: "1" }).success, false);
    assert.equal(LabelSelector.safeParse({ key: "a", operation: "gt", value: "x" }).success, false);
    assert.equal(LabelSelector.safeParse({ key: "a", operation: "in", value: "" }).success, false);
  });
});

describe("compileObjectFilter", () => {
  const f = (spec: unknown, started = 0) => compileObjectFilter(ResourceFilter.parse(spec), started);
  it("passes everything without a filter", () => {
    assert.deepEqual(compileObjectFilter(undefined, 0)("ADD", pod(), 0), { pass: true });
  });
  it("checks the name prefix", () => {
    assert.equal(f({ prefix: "my-" })("ADD", pod(), 0).pass, true);
    const v = f({ prefix: "other-" })("ADD", pod(), 0);
    assert.equal(v.pass, false);
    assert.match((v as { reason: string }).reason, /prefix other-/);
  });
  it("matches fields by unanchored regex, == by default and != negated", () => {
    assert.equal(f({ fields: [{ key: "status.phase", value: "Run" }] })("ADD", pod(), 0).pass, true);
    assert.equal(f({ fields: [{ key: "status.phase", operation: "!=", value: "^Running$" }] })("ADD", pod(), 0).pass, false);
    assert.equal(f({ fields: [{ key: "status.phase", operation: "!=", value: "Failed" }] })("ADD", pod(), 0).pass, true);
    assert.equal(f({ fields: [{ key: "metadata.labels.app", value: "." }] })("ADD", pod(), 0).pass, false, "a missing path does not match");
  });
  it("keeps objects created at or before createdBy", () => {
    assert.equal(f({ createdBy: "2026-01-01T00:00:00Z" })("ADD", pod(), 0).pass, true);
    assert.equal(f({ createdBy: "2025-12-31T23:59:59Z" })("ADD", pod(), 0).pass, false);
  });
  it("afterStart dates ADD by creation, UPDATE by the newest managedFields time, DELETE by deletion", () => {
    const started = Date.parse("2026-06-01T00:00:00Z");
    const filter = f({ afterStart: true }, started);
    assert.equal(filter("ADD", pod(), started + 1).pass, false);
    assert.equal(filter("ADD", pod({ creationTimestamp: "2026-06-02T00:00:00Z" }), 0).pass, true);
    const updated = pod({ managedFields: [{ time: "2026-01-02T00:00:00Z" }, { time: "2026-06-03T00:00:00Z" }] });
    assert.equal(filter("UPDATE", updated, 0).pass, true);
    assert.equal(changeTime("UPDATE", updated, 0), Date.parse("2026-06-03T00:00:00Z"));
    assert.equal(changeTime("DELETE", pod(), 42), 42, "without deletionTimestamp the deletion is dated now");
  });
  it("rejects an invalid regular expression when the spec is validated", () => {
    const r = ResourceFilter.safeParse({ fields: [{ key: "a", value: "(" }] });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /invalid RE2 regular expression/);
  });
});

describe("eventFingerprint", () => {
  const ev = (count: number, last: string, reason = "BackOff") => ({
    metadata: { name: "p.1", namespace: "ns", uid: "e1", resourceVersion: String(count) },
    involvedObject: { kind: "Pod", name: "p" },
    reason,
    message: "Back-off restarting failed container",
    type: "Warning",
    count,
    lastTimestamp: last,
  });
  it("is the same for repeats that only bump count and lastTimestamp", () => {
    assert.equal(eventFingerprint(ev(1, "2026-01-01T00:00:00Z")), eventFingerprint(ev(7, "2026-01-01T00:05:00Z")));
  });
  it("differs when anything else changes", () => {
    assert.notEqual(eventFingerprint(ev(1, "t")), eventFingerprint(ev(1, "t", "Pulled")));
  });
});
