import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImpulseEvent } from "@impulse/api";
import { applyParameters, buildPayload } from "./apply.js";
import { resolveParamValue } from "./resolve.js";

const e: ImpulseEvent = {
  specversion: "1.0", id: "abc", source: "orders", subject: "created", type: "webhook", time: "2026-01-01T00:00:00Z",
  datacontenttype: "application/json", data: { body: { name: "x", count: 3, tags: ["a"], ok: true } },
};
const events = { dep: e };

describe("parameter resolution", () => {
  it("reads dataKey and contextKey; data wins when both are given", () => {
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataKey: "body.name" }, events), { value: "x", isString: true });
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", contextKey: "subject" }, events), { value: "created", isString: true });
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataKey: "body.count", contextKey: "id" }, events), { value: 3, isString: false });
  });
  it("falls back to value, skips a missing dependency without one, and errors on a missing key without one", () => {
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataKey: "body.nope", value: "d" }, events), { value: "d", isString: true });
    assert.equal(resolveParamValue({ dependencyName: "other", dataKey: "body.name" }, events), undefined);
    assert.deepEqual(resolveParamValue({ dependencyName: "other", value: "v" }, events), { value: "v", isString: true });
    assert.throws(() => resolveParamValue({ dependencyName: "dep", dataKey: "body.nope" }, events), /dataKey body\.nope resolved to nothing/);
  });
  it("gives the whole event when no key is set", () => {
    const v = resolveParamValue({ dependencyName: "dep" }, events)!;
    assert.deepEqual((v.value as { data: unknown }).data, e.data);
    assert.equal((v.value as { context: { id: string } }).context.id, "abc");
  });
});

describe("applying parameters", () => {
  it("stringifies non-strings unless useRawData, as Argo does", () => {
    const p = buildPayload(
      [
        { src: { dependencyName: "dep", dataKey: "body.count" }, dest: "asText" },
        { src: { dependencyName: "dep", dataKey: "body.count", useRawData: true }, dest: "asNumber" },
        { src: { dependencyName: "dep", dataKey: "body.tags" }, dest: "tagsText" },
        { src: { dependencyName: "dep", dataKey: "body.tags", useRawData: true }, dest: "tags" },
        { src: { dependencyName: "dep", dataKey: "body.ok", useRawData: true }, dest: "ok" },
      ],
      events,
    );
    assert.deepEqual(p, { asText: "3", asNumber: 3, tagsText: '["a"]', tags: ["a"], ok: true });
  });
  it("appends and prepends to existing values, and leaves the input untouched", () => {
    const doc = { url: "http://h/", name: "base" };
    const out = applyParameters(
      doc,
      [
        { src: { dependencyName: "dep", dataKey: "body.name" }, dest: "url", operation: "append" },
        { src: { dependencyName: "dep", value: "pre-" }, dest: "name", operation: "prepend" },
        { src: { dependencyName: "dep", value: "new" }, dest: "fresh", operation: "append" },
      ],
      events,
    );
    assert.deepEqual(out, { url: "http://h/x", name: "pre-base", fresh: "new" });
    assert.deepEqual(doc, { url: "http://h/", name: "base" });
  });
});

describe("templates in parameters", () => {
  it("renders dataTemplate and contextTemplate as strings, the template winning over its key", () => {
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataTemplate: "{{ .Input.body.name | upper }}-{{ .Input.body.count }}", dataKey: "body.count" }, events), { value: "X-3", isString: true });
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", contextTemplate: "{{ .Input.source }}/{{ .Input.subject }}" }, events), { value: "orders/created", isString: true });
  });
  it("falls back to the key, then the value, when the template errs or gives nothing", () => {
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataTemplate: "{{ .Input.body.nope }}", dataKey: "body.name" }, events), { value: "x", isString: true });
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataTemplate: "{{ upper .Input.body.count }}", value: "fallback" }, events), { value: "fallback", isString: true });
    assert.throws(() => resolveParamValue({ dependencyName: "dep", dataTemplate: "{{ .Input.body.nope }}" }, events), /dataTemplate .* resolved to nothing/);
  });
  it("ignores context selectors when data selectors are given, as Argo does", () => {
    assert.deepEqual(resolveParamValue({ dependencyName: "dep", dataTemplate: "{{ .Input.body.name }}", contextKey: "id" }, events), { value: "x", isString: true });
  });
});
