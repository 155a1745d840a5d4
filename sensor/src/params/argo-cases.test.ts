// Argo Events' table-driven trigger parameter cases (resolve, apply, construct payload), restated for Impulse.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImpulseEvent, ParameterSource, TriggerParameter } from "@impulse/api";
import { applyParameters, buildPayload } from "./apply.js";
import { resolveParamValue } from "./resolve.js";

const event = (id: string, data: unknown, over: Partial<ImpulseEvent> = {}): ImpulseEvent => ({
  specversion: "1.0", id, source: "webhook-gateway", subject: "example-1", type: "webhook", time: "2026-01-01T00:00:00Z",
  datacontenttype: "application/json", data, ...over,
});

describe("resolving a parameter's value (Argo: TestResolveParamValue)", () => {
  const e = event("1", { name: { first: "fake", last: "user" }, reviews: 8, rating: 4.5, isActive: true, isVerified: false, countries: ["ca", "us", "mx"] });
  const events = { "fake-dependency": e };
  const src = (s: Omit<ParameterSource, "dependencyName">): ParameterSource => ({ dependencyName: "fake-dependency", ...s });
  // value: what the parameter resolves to; Argo compares strings, Impulse keeps the JSON value (set as a string unless useRawData).
  const cases: { name: string; src: ParameterSource; value: unknown }[] = [
    { name: "a data key", src: src({ dataKey: "name.first" }), value: "fake" },
    { name: "a context key", src: src({ contextKey: "subject" }), value: "example-1" },
    { name: "the default value when no key is set", src: src({ value: "hello" }), value: "hello" },
    { name: "the data key wins over the context key", src: src({ contextKey: "subject", dataKey: "name.first" }), value: "fake" },
    { name: "a data template", src: src({ dataTemplate: "{{ .Input.name.first }}" }), value: "fake" },
    { name: "a data template with a sprig function", src: src({ dataTemplate: "{{ upper .Input.name.first }}" }), value: "FAKE" },
    { name: "a context template", src: src({ contextTemplate: "{{ .Input.subject }}" }), value: "example-1" },
    { name: "a context template with a pipeline", src: src({ contextTemplate: `{{ .Input.subject | replace "-" "_" }}` }), value: "example_1" },
    { name: "the data template wins over the context template", src: src({ contextTemplate: "{{ .Input.subject }}", dataTemplate: "{{ .Input.name.first }}" }), value: "fake" },
    { name: "a data template that gives nothing falls back to the data key", src: src({ dataTemplate: "{{ .Input.name.non_exist }}", dataKey: "name.first" }), value: "fake" },
    { name: "an invalid data template falls back to the data key", src: src({ dataTemplate: "{{ no }}", dataKey: "name.first" }), value: "fake" },
    { name: "useRawData on a string", src: src({ dataKey: "name.first", useRawData: true }), value: "fake" },
    // Argo returns the raw JSON text; Impulse resolves the JSON value itself (set as-is with useRawData).
    { name: "useRawData on an object", src: src({ dataKey: "name", useRawData: true }), value: { first: "fake", last: "user" } },
    { name: "useRawData on a list", src: src({ dataKey: "countries", useRawData: true }), value: ["ca", "us", "mx"] },
    // Own cases.
    { name: "a number keeps its JSON type before it is set", src: src({ dataKey: "rating" }), value: 4.5 },
    { name: "a false boolean is a value, not a miss", src: src({ dataKey: "isVerified", value: "dflt" }), value: false },
    { name: "a gjson array index", src: src({ dataKey: "countries.1" }), value: "us" },
    { name: "a gjson array count", src: src({ dataKey: "countries.#" }), value: 3 },
    { name: "a missing data key falls back to the default value", src: src({ dataKey: "name.middle", value: "none" }), value: "none" },
    { name: "a context template reads the event id", src: src({ contextTemplate: "{{ .Input.id }}-{{ .Input.type }}" }), value: "1-webhook" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(resolveParamValue(c.src, events)?.value, c.value);
    });
  }
  it("no key and no value: the whole event, its data as JSON (deviation: Argo base64-encodes data, #479)", () => {
    const whole = resolveParamValue(src({}), events)!.value as { context: { id: string; subject: string }; data: unknown };
    assert.equal(whole.context.id, "1");
    assert.equal(whole.context.subject, "example-1");
    assert.deepEqual(whole.data, e.data);
  });
  it("a dependency that did not fire and no default: the parameter is skipped (deviation: Argo panics)", () => {
    assert.equal(resolveParamValue({ dependencyName: "other", dataKey: "name.first" }, events), undefined);
  });
});

describe("applying parameters to a document (Argo: TestApplyParams)", () => {
  const events = { "fake-dependency": event("1", { name: { first: "fake", last: "user" }, age: 100, countries: ["ca", "us", "mx"] }) };
  const p = (dataKey: string, dest: string, operation?: TriggerParameter["operation"], useRawData?: boolean): TriggerParameter => ({
    src: { dependencyName: "fake-dependency", dataKey, ...(useRawData ? { useRawData } : {}) },
    dest,
    ...(operation ? { operation } : {}),
  });
  const cases: { name: string; params: TriggerParameter[]; doc: unknown; out: unknown }[] = [
    { name: "no operation overwrites", params: [p("name.first", "name")], doc: { name: "faker" }, out: { name: "fake" } },
    { name: "prepend puts the value before the existing one", params: [p("name.first", "name", "prepend")], doc: { name: "faker" }, out: { name: "fakefaker" } },
    { name: "append puts the value after the existing one", params: [p("name.first", "name", "append")], doc: { name: "faker" }, out: { name: "fakerfake" } },
    { name: "overwrite replaces", params: [p("name.first", "name", "overwrite")], doc: { name: "faker" }, out: { name: "fake" } },
    // Argo writes the value's raw JSON text (its own spacing); Impulse writes the compact JSON text.
    { name: "an object without useRawData is set as its JSON text", params: [p("name", "name", "overwrite")], doc: { name: "faker" }, out: { name: '{"first":"fake","last":"user"}' } },
    { name: "an object with useRawData is set as an object", params: [p("name", "name", "overwrite", true)], doc: { name: "faker" }, out: { name: { first: "fake", last: "user" } } },
    {
      name: "raw numbers and lists keep their type; append onto a string concatenates; append onto nothing sets",
      params: [p("age", "age", "overwrite", true), p("age", "ageWithYears", "append", true), p("countries", "countries", "append", true)],
      doc: { age: "this-gets-over-written", ageWithYears: "Years: " },
      out: { age: 100, ageWithYears: "Years: 100", countries: ["ca", "us", "mx"] },
    },
    // Own cases (Argo: TestApplyResourceParameters sets metadata.name on an object the same way).
    { name: "a nested destination is set inside the document", params: [p("name.first", "metadata.name")], doc: { metadata: { name: "old", namespace: "ns" } }, out: { metadata: { name: "fake", namespace: "ns" } } },
    { name: "a missing destination path is created", params: [p("name.last", "spec.owner.name")], doc: {}, out: { spec: { owner: { name: "user" } } } },
    { name: "an array index destination replaces that element", params: [p("name.first", "args.1")], doc: { args: ["a", "b", "c"] }, out: { args: ["a", "fake", "c"] } },
    { name: "a number without useRawData is set as its text", params: [p("age", "replicas")], doc: { replicas: 1 }, out: { replicas: "100" } },
    { name: "later parameters see earlier ones", params: [p("name.first", "n"), p("name.last", "n", "append")], doc: {}, out: { n: "fakeuser" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.doc);
      assert.deepEqual(applyParameters(c.doc, c.params, events), c.out);
      assert.deepEqual(c.doc, before, "the input document is not modified");
    });
  }
});

describe("building a payload from parameters (Argo: TestConstructPayload, TestConstructPayload_NullValue)", () => {
  const events = {
    "fake-dependency": event("1", { firstName: "fake" }),
    "another-fake-dependency": event("2", { lastName: "foo" }, { type: "calendar", source: "calendar-gateway" }),
    "use-event-data-type": event("3", { age: 100, isActive: false, countries: ["ca", "us", "mx"] }),
    "test-dep": event("4", { nullable_key: null, other_key: "value" }),
  };
  const param = (dependencyName: string, dataKey: string, dest: string, extra: Partial<ParameterSource> = {}): TriggerParameter => ({ src: { dependencyName, dataKey, ...extra }, dest });
  const cases: { name: string; params: TriggerParameter[]; payload: unknown }[] = [
    {
      name: "keys from several dependencies, raw and stringified",
      params: [
        param("fake-dependency", "firstName", "firstName", { value: "faker" }),
        param("another-fake-dependency", "lastName", "lastName", { value: "bar" }),
        param("use-event-data-type", "age", "age", { useRawData: true }),
        param("use-event-data-type", "isActive", "isActive", { useRawData: true }),
        param("use-event-data-type", "age", "typelessAge"),
        param("use-event-data-type", "isActive", "typelessIsActive"),
      ],
      payload: { firstName: "fake", lastName: "foo", age: 100, isActive: false, typelessAge: "100", typelessIsActive: "false" },
    },
    {
      name: "unknown keys fall back to the default values",
      params: [param("fake-dependency", "unknown", "firstName", { value: "faker" }), param("another-fake-dependency", "unknown", "lastName", { value: "bar" })],
      payload: { firstName: "faker", lastName: "bar" },
    },
    {
      name: "a JSON null with useRawData stays null",
      params: [param("test-dep", "nullable_key", "nullable_key", { useRawData: true }), param("test-dep", "other_key", "other_key")],
      payload: { nullable_key: null, other_key: "value" },
    },
    // Own cases.
    { name: "a JSON null without useRawData is its text, as Argo's sjson writes it", params: [param("test-dep", "nullable_key", "n")], payload: { n: "null" } },
    { name: "an empty dest makes the value the whole body", params: [param("use-event-data-type", "countries", "", { useRawData: true })], payload: ["ca", "us", "mx"] },
    { name: "a parameter of a dependency that did not fire is skipped", params: [param("absent", "x", "x"), param("fake-dependency", "firstName", "y")], payload: { y: "fake" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(buildPayload(c.params, events), c.payload);
    });
  }
  it("a missing key with no default is an error naming the key and dependency", () => {
    assert.throws(() => buildPayload([param("fake-dependency", "unknown", "x")], events), /dataKey unknown resolved to nothing in the event of dependency fake-dependency/);
  });
});
