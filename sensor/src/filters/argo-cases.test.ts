// Argo Events' table-driven dependency filter cases (data, exprs, context, time, combined), restated for Impulse.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataFilter as DataFilterSchema, type DataFilter, type EventDependency, type ImpulseEvent } from "@impulse/api";
import { compileContextFilter } from "./context.js";
import { compileDataFilters } from "./data.js";
import { compileExprFilters } from "./exprs.js";
import { compileSyncFilters } from "./index.js";
import { compileTimeFilter } from "./time.js";

const ev = (data: unknown, over: Partial<ImpulseEvent> = {}): ImpulseEvent => ({
  specversion: "1.0", id: "1", source: "webhook-gateway", subject: "example-1", type: "webhook", time: "2026-01-01T16:36:34Z",
  datacontenttype: "application/json", data, ...over,
});
const at = "spec.dependencies[0].filters";
type Op = "and" | "or" | undefined;

describe("data filters (Argo: TestFilterData)", () => {
  // Verdicts as in Argo; "" is Argo's EmptyLogicalOperator, which means and.
  const cases: { name: string; filters: DataFilter[]; op?: Op; data: unknown; pass: boolean }[] = [
    { name: "an event without data passes (nothing to compare)", filters: [{ path: "k", type: "string", value: ["v"] }], data: null, pass: true },
    { name: "a string value matches", filters: [{ path: "k", type: "string", value: ["v"] }], data: { k: "v" }, pass: true },
    { name: "a string value matches with an explicit =", filters: [{ path: "k", type: "string", value: ["v"], comparator: "=" }], data: { k: "v" }, pass: true },
    { name: "a string value differs with !=", filters: [{ path: "k", type: "string", value: ["b"], comparator: "!=" }], data: { k: "v" }, pass: true },
    { name: "a numeric string equals a number filter", filters: [{ path: "k", type: "number", value: ["1.0"] }], data: { k: "1.0" }, pass: true },
    { name: "a numeric string is greater", filters: [{ path: "k", type: "number", value: ["1.0"], comparator: ">" }], data: { k: "2.0" }, pass: true },
    { name: "a numeric string is not <=", filters: [{ path: "k", type: "number", value: ["1.0"], comparator: "<=" }], data: { k: "2.0" }, pass: false },
    { name: "an equal numeric string fails !=", filters: [{ path: "k", type: "number", value: ["1.0"], comparator: "!=" }], data: { k: "1.0" }, pass: false },
    { name: "a numeric string equals with an explicit =", filters: [{ path: "k", type: "number", value: ["5.0"], comparator: "=" }], data: { k: "5.0" }, pass: true },
    { name: "a numeric string equals with the empty comparator", filters: [{ path: "k", type: "number", value: ["10.0"], comparator: "" }], data: { k: "10.0" }, pass: true },
    { name: "a JSON number equals a number filter", filters: [{ path: "k", type: "number", value: ["1.0"] }], data: { k: 1 }, pass: true },
    { name: "a JSON number is greater", filters: [{ path: "k", type: "number", value: ["1.0"], comparator: ">" }], data: { k: 2 }, pass: true },
    { name: "a JSON number is not <=", filters: [{ path: "k", type: "number", value: ["1.0"], comparator: "<=" }], data: { k: 2 }, pass: false },
    { name: "an equal JSON number fails !=", filters: [{ path: "k", type: "number", value: ["1.0"], comparator: "!=" }], data: { k: 1 }, pass: false },
    { name: "a JSON number equals with an explicit =", filters: [{ path: "k", type: "number", value: ["5.0"], comparator: "=" }], data: { k: 5 }, pass: true },
    { name: "a JSON number equals with the empty comparator", filters: [{ path: "k", type: "number", value: ["10.0"], comparator: "" }], data: { k: 10 }, pass: true },
    {
      name: "one failing filter of three fails the default (and) operator",
      filters: [
        { path: "k", type: "string", value: ["v"] },
        { path: "k1.k", type: "number", value: ["2.14"] },
        { path: "k1.k2", type: "string", value: ["hello,world", "hello there"] },
      ],
      data: { k: true, k1: { k: 3.14, k2: "hello, world" } },
      pass: false,
    },
    {
      name: "three matching filters of mixed types pass and",
      op: "and",
      filters: [
        { path: "k", type: "bool", value: ["true"] },
        { path: "k1.k", type: "number", value: ["3.14"] },
        { path: "k1.k2", type: "string", value: ["hello,world", "hello, world", "hello there"] },
      ],
      data: { k: true, k1: { k: 3.14, k2: "hello, world" } },
      pass: true,
    },
    {
      name: "one matching filter of three passes or",
      op: "or",
      filters: [
        { path: "k", type: "bool", value: ["false"] },
        { path: "k1.k", type: "number", value: ["3.14"] },
        { path: "k1.k2", type: "string", value: ["hello,world", "hello there"] },
      ],
      data: { k: true, k1: { k: 3.14, k2: "hello, world" } },
      pass: true,
    },
    {
      name: "a regex over a gjson multipath with a query sees the joined values",
      filters: [{ path: `[k,k1.a.#(k2=="v2").k2]`, type: "string", value: ["\\bv\\b.*\\bv2\\b"], comparator: "=" }],
      data: { k: "v", k1: { a: [{ k2: "v2" }] } },
      pass: true,
    },
    {
      name: "a regex alternation over a multipath of three values",
      filters: [{ path: `[k,k1.a.#(k2=="v2").k2,,k1.a.#(k2=="v3").k2]`, type: "string", value: ["(\\bz\\b.*\\bv2\\b)|(\\bv\\b.*(\\bv2\\b.*\\bv3\\b))"] }],
      data: { k: "v", k1: { a: [{ k2: "v2" }, { k2: "v3" }] } },
      pass: true,
    },
    { name: "a template decodes base64 and upper-cases before comparing", filters: [{ path: "k", type: "string", value: ["HELLO WORLD"], template: "{{ b64dec .Input | upper }}" }], data: { k: "aGVsbG8gd29ybGQ=" }, pass: true },
    { name: "a template's output is compared as a number", filters: [{ path: "k", type: "number", value: ["3.13"], comparator: ">", template: "{{ b64dec .Input }}" }], data: { k: "My4xNA==" }, pass: true },
    { name: "a template's output is matched as an unanchored regex", filters: [{ path: "k", type: "string", value: ["world$"], template: "{{ b64dec .Input }}" }], data: { k: "aGVsbG8gd29ybGQ=" }, pass: true },
    // Own cases.
    { name: "a missing path fails", filters: [{ path: "nope", type: "string", value: ["v"] }], data: { k: "v" }, pass: false },
    { name: "a bool filter reads a numeric 1 as true", filters: [{ path: "k", type: "bool", value: ["true"] }], data: { k: 1 }, pass: true },
    { name: "a bool filter with != passes a different value", filters: [{ path: "k", type: "bool", value: ["true"], comparator: "!=" }], data: { k: false }, pass: true },
    { name: "a string filter matches the JSON text of a non-string value", filters: [{ path: "k", type: "string", value: ["^true$"] }], data: { k: true }, pass: true },
    { name: "a number filter with several values passes when any matches", filters: [{ path: "k", type: "number", value: ["1", "2", "3"], comparator: ">=" }], data: { k: 2 }, pass: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(compileDataFilters(c.filters, c.op, at)(ev(c.data)).pass, c.pass);
    });
  }

  // Argo accepts these specs and rejects every event at run time; Impulse refuses the spec when it is
  // validated (lint, apply, start), so the mistake is found before events are dropped.
  const invalid: { name: string; filter: unknown }[] = [
    { name: "an empty path is refused by the schema (Argo: invalid filter path)", filter: { path: "", type: "string", value: ["v"] } },
    { name: "a filter without a type is refused by the schema (Argo: invalid filter type)", filter: { path: "k", value: ["v"] } },
    { name: "a filter without values is refused by the schema (Argo: invalid filter values)", filter: { path: "k", type: "string", value: [] } },
  ];
  for (const c of invalid) {
    it(c.name, () => {
      assert.equal(DataFilterSchema.safeParse(c.filter).success, false);
    });
  }
});

describe("expr filters (Argo: TestFilterExpr)", () => {
  type Expr = { expr: string; fields: { name: string; path: string }[] };
  const x = (expr: string, ...fields: [string, string][]): Expr => ({ expr, fields: fields.map(([name, path]) => ({ name, path })) });
  // error: the filter could not be evaluated (a path is missing), which Argo returns as an error.
  const cases: { name: string; exprs: Expr[]; op?: Op; data: unknown; pass: boolean; error?: boolean }[] = [
    { name: "an event without data passes", exprs: [x('a == "b"', ["a", "a"])], data: null, pass: true },
    { name: "string equality", exprs: [x('a == "b"', ["a", "a"])], data: { a: "b" }, pass: true },
    { name: "string inequality", exprs: [x('a != "b"', ["a", "a"])], data: { a: "c" }, pass: true },
    { name: "a nested string that differs", exprs: [x('b == "b"', ["b", "a.b"])], data: { a: { b: "c" } }, pass: false },
    { name: "number equality", exprs: [x("b == 2", ["b", "a.b"])], data: { a: { b: 2 } }, pass: true },
    { name: "number less than, false", exprs: [x("b < 1", ["b", "a.b"])], data: { a: { b: 2 } }, pass: false },
    { name: "regex match =~", exprs: [x('b =~ "start"', ["b", "a.b"])], data: { a: { b: "start long string" } }, pass: true },
    { name: "regex non-match !~", exprs: [x('b !~ "start"', ["b", "a.b"])], data: { a: { b: "long string" } }, pass: true },
    { name: "two true expressions, default operator", exprs: [x('b == "x"', ["b", "a.b"]), x('d == "y"', ["d", "a.d"])], data: { a: { b: "x", d: "y" } }, pass: true },
    { name: "one false expression fails and", op: "and", exprs: [x('b == "x"', ["b", "a.b"]), x('d == "d"', ["d", "a.d"])], data: { a: { b: "x", d: "y" } }, pass: false },
    { name: "one true expression passes or", op: "or", exprs: [x('b == "x"', ["b", "a.b"]), x('d == "d"', ["d", "a.d"])], data: { a: { b: "x", d: "y" } }, pass: true },
    { name: "or: a false expression and a missing path fail with an error", op: "or", exprs: [x('b == "b"', ["b", "a.b"]), x('c == "c"', ["c", "a.c"])], data: { a: { b: "x", d: "y" } }, pass: false, error: true },
    {
      name: "or: a true first expression passes before a missing path is read",
      op: "or",
      exprs: [x('b == "x"', ["b", "a.b"]), x('c == "c"', ["c", "a.c"]), x("e == true", ["e", "a.d.e"])],
      data: { a: { b: "x", d: { e: true } } },
      pass: true,
    },
    { name: "and: a false first expression fails before a missing path is read", exprs: [x('b == "b"', ["b", "a.b"]), x('c == "c"', ["c", "a.c"])], data: { a: { b: "x", d: "y" } }, pass: false, error: false },
    { name: "and (default): a missing path fails with an error", exprs: [x('b == "x"', ["b", "a.b"]), x('c == "c"', ["c", "a.c"])], data: { a: { b: "x", d: "y" } }, pass: false, error: true },
    {
      name: "and: a missing path among three fails with an error",
      op: "and",
      exprs: [x('b == "x"', ["b", "a.b"]), x('c == "c"', ["c", "a.c"]), x("e == true", ["e", "a.d.e"])],
      data: { a: { b: "x", d: { e: true } } },
      pass: false,
      error: true,
    },
    { name: "&& inside one expression with a missing field fails with an error", exprs: [x('b != "b" && d == true', ["b", "a.b"], ["d", "a.d"])], data: { a: { b: "x", c: { d: true } } }, pass: false, error: true },
    { name: "&& inside one expression, whatever the list operator", op: "or", exprs: [x('b != "b" && d == true', ["b", "a.b"], ["d", "a.c.d"])], data: { a: { b: "x", c: { d: true } } }, pass: true },
    { name: "|| inside one expression", exprs: [x('b == "b" || d == true', ["b", "a.b"], ["d", "a.c.d"])], data: { a: { b: "b", c: { d: false } } }, pass: true },
    { name: "|| and && with parentheses inside one expression", exprs: [x('b == "b" || (d == true && e == 2)', ["b", "a.b"], ["d", "a.c.d"], ["e", "a.e"])], data: { a: { b: "b", c: { d: false }, e: 2 } }, pass: true },
    // Own cases.
    { name: "a numeric string field compares with a number", exprs: [x("n > 2", ["n", "n"])], data: { n: 3 }, pass: true },
    { name: "an expression that is not boolean at run time is an error", exprs: [x("n", ["n", "n"])], data: { n: 1 }, pass: false, error: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = compileExprFilters(c.exprs, c.op, at)(ev(c.data));
      assert.equal(r.pass, c.pass);
      if (c.error !== undefined) assert.equal(r.error === true, c.error);
    });
  }
});

describe("context filter (Argo: TestFilterContext)", () => {
  const cases: { name: string; want: Parameters<typeof compileContextFilter>[0]; event: Partial<ImpulseEvent>; pass: boolean }[] = [
    { name: "a different type fails", want: { type: "webhook" }, event: { type: "calendar", source: "calendar-gateway" }, pass: false },
    { name: "the same type and source pass, other attributes ignored", want: { type: "webhook", source: "webhook-gateway" }, event: { id: "2", time: "2020-01-01T00:00:00Z" }, pass: true },
    // Own cases.
    { name: "subject must match exactly, not as a regex", want: { subject: "example" }, event: { subject: "example-1" }, pass: false },
    { name: "datacontenttype is compared too", want: { datacontenttype: "application/json" }, event: { datacontenttype: "text/plain" }, pass: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(compileContextFilter(c.want)(ev({}, c.event)).pass, c.pass);
    });
  }
  // Argo's "nil context" cases have no equivalent: every Impulse event has a context, and an empty
  // context filter is refused by the schema ("needs at least one of type, subject, source, datacontenttype").
});

describe("time filter (Argo: TestFilterTime, TestFilterTimeWithTimezone)", () => {
  const day = ["00:00:00", "04:05:06", "08:09:10", "12:13:14", "16:17:18", "20:21:22"];
  const windows: { name: string; start: string; stop: string; pass: boolean[] }[] = [
    { name: "start before stop: [start, stop)", start: "08:09:10", stop: "16:17:18", pass: [false, false, true, true, false, false] },
    { name: "stop before start: wraps past midnight", start: "16:17:18", stop: "08:09:10", pass: [true, true, false, false, true, true] },
  ];
  for (const w of windows) {
    it(w.name, () => {
      const f = compileTimeFilter({ start: w.start, stop: w.stop }, `${at}.time`);
      assert.deepEqual(day.map((t) => f(ev({}, { time: `2026-03-02T${t}Z` })).pass), w.pass);
    });
  }
  const zoned: { name: string; start: string; stop: string; timezone?: string; time: string; pass: boolean }[] = [
    { name: "UTC by default", start: "09:00:00", stop: "17:00:00", time: "2024-07-15T10:00:00Z", pass: true },
    { name: "New York summer, inside (10:00 EDT)", start: "09:00:00", stop: "17:00:00", timezone: "America/New_York", time: "2024-07-15T14:00:00Z", pass: true },
    { name: "New York summer, too early (08:00 EDT)", start: "09:00:00", stop: "17:00:00", timezone: "America/New_York", time: "2024-07-15T12:00:00Z", pass: false },
    { name: "New York summer, too late (18:00 EDT)", start: "09:00:00", stop: "17:00:00", timezone: "America/New_York", time: "2024-07-15T22:00:00Z", pass: false },
    { name: "London summer (11:00 BST)", start: "10:00:00", stop: "18:00:00", timezone: "Europe/London", time: "2024-07-15T10:00:00Z", pass: true },
    { name: "Tokyo (10:00 JST)", start: "09:00:00", stop: "17:00:00", timezone: "Asia/Tokyo", time: "2024-07-15T01:00:00Z", pass: true },
    { name: "overnight window in New York (22:00 EDT)", start: "22:00:00", stop: "06:00:00", timezone: "America/New_York", time: "2024-07-15T02:00:00Z", pass: true },
    { name: "New York winter (10:00 EST)", start: "09:00:00", stop: "17:00:00", timezone: "America/New_York", time: "2024-01-15T15:00:00Z", pass: true },
    // Own cases.
    { name: "an event with an offset is read as its instant", start: "09:00:00", stop: "10:00:00", time: "2024-07-15T11:30:00+02:00", pass: true },
    { name: "Kolkata's half-hour offset (09:00 IST)", start: "09:00:00", stop: "09:30:00", timezone: "Asia/Kolkata", time: "2024-07-15T03:30:00Z", pass: true },
  ];
  for (const c of zoned) {
    it(c.name, () => {
      assert.equal(compileTimeFilter(c, `${at}.time`)(ev({}, { time: c.time })).pass, c.pass);
    });
  }
  it("an unknown timezone is refused when the filter is compiled (Argo: invalid timezone, refused per event)", () => {
    assert.throws(() => compileTimeFilter({ start: "09:00:00", stop: "17:00:00", timezone: "Invalid/Timezone" }, `${at}.time`), /unknown IANA time zone/);
  });
});

describe("filter kinds combined by filtersLogicalOperator (Argo: TestFilter, TestFilterEvent)", () => {
  // A, B: data filters; C, D: expr filters, over one event; each row sets which hold and how they combine.
  const data = { a: "x", b: 10, c: { d: "hello world", e: false } };
  const A = { path: "a", type: "string" as const, value: ["x"] };
  const B = (n: string) => ({ path: "b", type: "number" as const, value: [n] });
  const C = (s: string, path = "c.d") => ({ expr: `d == "${s}"`, fields: [{ name: "d", path }] });
  const D = (b: boolean) => ({ expr: `e == ${b}`, fields: [{ name: "e", path: "c.e" }] });
  const dep = (filters: EventDependency["filters"], op?: "and" | "or"): EventDependency => ({ name: "d", eventSourceName: "es", eventName: "e", filters, ...(op ? { filtersLogicalOperator: op } : {}) });
  const cases: { name: string; dep: EventDependency; event?: ImpulseEvent; pass: boolean; error?: boolean }[] = [
    { name: "(A && B) && (C && D), all true", dep: dep({ data: [A, B("10")], exprs: [C("hello world"), D(false)] }), pass: true },
    { name: "(A && B) || (C && D), data true", dep: dep({ data: [A, B("10")], dataLogicalOperator: "and", exprs: [C("hello everybody"), D(false)], exprLogicalOperator: "and" }, "or"), pass: true },
    { name: "(A || B) && (C || D), one of each true", dep: dep({ data: [A, B("11")], dataLogicalOperator: "or", exprs: [C("hello everybody"), D(false)], exprLogicalOperator: "or" }, "and"), pass: true },
    { name: "(A || B) || (C || D)", dep: dep({ data: [A, B("11")], dataLogicalOperator: "or", exprs: [C("hello everybody"), D(true)], exprLogicalOperator: "or" }, "or"), pass: true },
    { name: "(A && B) || (C || D), data true, exprs false", dep: dep({ data: [A, B("10")], dataLogicalOperator: "and", exprs: [C("hello everybody"), D(true)], exprLogicalOperator: "or" }, "or"), pass: true },
    { name: "(A || B) || (C && D), data true, exprs false", dep: dep({ data: [A, B("11")], dataLogicalOperator: "or", exprs: [C("hello everybody"), D(false)], exprLogicalOperator: "and" }, "or"), pass: true },
    { name: "(A && B) && (C || D), both false", dep: dep({ data: [A, B("11")], dataLogicalOperator: "and", exprs: [C("hello everybody"), D(true)], exprLogicalOperator: "or" }, "and"), pass: false },
    { name: "(A || B) && (C && D) with a missing expr path: false with an error", dep: dep({ data: [A, B("10")], dataLogicalOperator: "or", exprs: [C("hello world", "c.f"), D(false)], exprLogicalOperator: "and" }, "and"), pass: false, error: true },
    {
      name: "or over only the kinds given: false exprs and data fail",
      dep: dep({ exprs: [{ expr: 'A == "not-valid"', fields: [{ name: "A", path: "a.b" }] }], data: [{ path: "a.d.e.f", type: "string", value: ["not-valid"] }, { path: "a.h.i", type: "string", value: ["not-valid", "not-valid-2"] }] }, "or"),
      event: ev({ a: { b: "c", d: { e: { f: "g" } }, h: { i: "j" } } }),
      pass: false,
      error: false,
    },
    { name: "and: context true, data false", dep: dep({ context: { type: "webhook" }, data: [{ path: "k", type: "string", value: ["nope"] }] }, "and"), event: ev({ k: "v" }), pass: false },
    { name: "or: context true, data false", dep: dep({ context: { type: "webhook" }, data: [{ path: "k", type: "string", value: ["nope"] }] }, "or"), event: ev({ k: "v" }), pass: true },
    // Argo returns pass=true together with the data filter's error here; Impulse passes (the verdict Argo acts on).
    { name: "or: context true, data path missing", dep: dep({ context: { type: "webhook", source: "webhook-gateway" }, data: [{ path: "z", type: "string", value: ["v"] }] }, "or"), event: ev({ k: "v" }), pass: true },
    { name: "and (default): data path missing is an error", dep: dep({ context: { type: "webhook" }, data: [{ path: "z", type: "string", value: ["v"] }] }), event: ev({ k: "v" }), pass: false, error: true },
    { name: "and: every kind valid, time included", dep: dep({ context: { type: "webhook" }, data: [A], exprs: [D(false)], time: { start: "16:00:00", stop: "17:00:00" } }), pass: true },
    { name: "and: the time filter alone rejects", dep: dep({ context: { type: "webhook" }, data: [A], exprs: [D(false)], time: { start: "08:00:00", stop: "09:00:00" } }), pass: false },
    { name: "and: the context filter alone rejects", dep: dep({ context: { type: "calendar" }, data: [A], exprs: [D(false)] }), pass: false },
    { name: "and: the data filter alone rejects", dep: dep({ context: { type: "webhook" }, data: [B("11")], exprs: [D(false)] }), pass: false },
    { name: "and: the expr filter alone rejects", dep: dep({ context: { type: "webhook" }, data: [A], exprs: [D(true)] }), pass: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = compileSyncFilters(c.dep, "spec.dependencies[0]");
      assert.ok(f);
      const r = f(c.event ?? ev(data));
      assert.equal(r.pass, c.pass);
      if (c.error !== undefined) assert.equal(r.error === true, c.error);
    });
  }
  it("no filters at all: nothing to compile, every event passes (Argo: test empty)", () => {
    assert.equal(compileSyncFilters({ name: "d", eventSourceName: "es", eventName: "e" }, "spec.dependencies[0]"), undefined);
  });
});
