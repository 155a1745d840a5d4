import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRegex, compileRegexTest, expandGo, goMatches, quoteRegex, regexProblem, replaceAllGo, RegexSyntaxError } from "./regex.js";
import { evaluateExpr } from "./expr/evaluate.js";
import { parseExpression } from "./expr/parser.js";
import { parseResource } from "./validate.js";
import { getPath } from "./paths/gjson.js";

// On a backtracking engine `^(a+)+$` doubles its work per character: 31 characters took seconds, 10,000 would never end.
const EVIL = "^(a+)+$";
const LONG = "a".repeat(10_000) + "!";

describe("regex (RE2, linear time)", () => {
  it("answers a catastrophic-backtracking pattern on 10,000 characters", () => {
    assert.equal(compileRegex(EVIL).test(LONG), false);
    assert.equal(compileRegex("(a|aa)+$").test("a".repeat(10_000) + "b"), false);
    assert.equal(compileRegex(EVIL).test("a".repeat(10_000)), true);
  });

  it("speaks RE2 syntax as Argo users write it for Go", () => {
    assert.equal(compileRegex("(?i)^hello").test("HeLLo world"), true);
    assert.equal(compileRegex("^\\pL+$").test("héllo"), true);
    assert.equal(compileRegex("^\\p{Greek}+$").test("αβγ"), true);
    assert.equal(compileRegex("^[[:alpha:]]+$").test("abc"), true);
    assert.equal(compileRegex("\\d").test("٣"), false, "\\d is ASCII digits in RE2, as in Go");
    assert.equal(compileRegex("(?s)a.b").test("a\nb"), true);
    const m = compileRegex("(?P<year>\\d{4})-(?P<month>\\d{2})").exec("on 2024-05") as RegExpMatchArray;
    assert.deepEqual({ ...m.groups }, { year: "2024", month: "05" });
  });

  it("refuses what RE2 cannot compile, with RE2's reason", () => {
    for (const [p, why] of [["(a", /missing closing \)/], ["(?=x)", /Perl syntax/], ["(a)\\1", /escape/], ["a{1001}", /repeat count/]] as const) {
      assert.throws(() => compileRegex(p), (e: unknown) => e instanceof RegexSyntaxError && why.test(e.message), p);
      assert.match(regexProblem(p)!, /invalid RE2 regular expression/);
    }
    assert.equal(regexProblem("^ok$"), undefined);
  });

  it("finds and replaces as Go does: no empty match right after a match; $1, ${name}, $$", () => {
    assert.deepEqual([...goMatches(compileRegex("a*"), "baaab")].map((m) => [m[0], m.index]), [["", 0], ["aaa", 1], ["", 5]]);
    assert.equal(replaceAllGo(compileRegex("a|"), "xax", "[$0]", true), "[]x[a]x[]");
    assert.equal(replaceAllGo(compileRegex("(?P<k>\\w+)=(\\w+)"), "a=1 b=2", "$2:${k}$$", true), "1:a$ 2:b$");
    assert.equal(replaceAllGo(compileRegex("(a)"), "xa", "$1x", true), "x", "$1x is the group named 1x, which is empty");
    assert.equal(replaceAllGo(compileRegex("a"), "xa", "$1", false), "x$1");
    assert.equal(replaceAllGo(compileRegex("b"), "😀ab😀ab", "X", true), "😀aX😀aX");
    assert.equal(expandGo("${1", compileRegex("(a)").exec("a") as RegExpMatchArray), "${1");
  });

  it("answers literal patterns with string comparisons exactly as RE2 does", () => {
    const inputs = ["", "EUR", "EURO", "xEUR", "eur", "EUR\n", "a EUR b", "é漢"];
    for (const p of ["EUR", "^EUR", "EUR$", "^EUR$", "^$", "", "é漢", "^a EUR b$", "E.R", "^EU?R$", "(?i)eur"]) {
      for (const s of inputs) assert.equal(compileRegexTest(p)(s), compileRegex(p).test(s), `${p} on ${JSON.stringify(s)}`);
    }
  });

  it("quotes metacharacters so text matches itself", () => {
    assert.equal(compileRegex(quoteRegex("a.b*(c)")).test("a.b*(c)"), true);
    assert.equal(compileRegex(quoteRegex("a.b")).test("axb"), false);
  });

  it("filter expressions: =~ and matches run on RE2, with patterns from data too", () => {
    const vars = new Map<string, unknown>([["s", LONG], ["p", EVIL]]);
    assert.equal(evaluateExpr(parseExpression(`s =~ "${EVIL}"`), vars), false);
    assert.equal(evaluateExpr(parseExpression("s =~ p"), vars), false);
    assert.equal(evaluateExpr(parseExpression(`s matches "(?i)^A+!$"`, "expr"), vars), true);
    assert.throws(() => evaluateExpr(parseExpression("s =~ p"), new Map([["s", "x"], ["p", "("]])), /missing closing/);
  });

  it("gjson wildcards match in linear time", () => {
    const key = "a".repeat(5_000);
    assert.equal(getPath({ [key]: 1 }, "*a*a*a*a*a*a*b").exists, false);
    assert.equal(getPath({ [key + "b"]: 2 }, "*a*a*a*a*a*a*b").exists, true);
    assert.equal(getPath({ "a.b": 3 }, "a?b").exists, true);
  });
});

describe("validation refuses what RE2 cannot compile, naming the path", () => {
  const sensor = (filters: unknown) => ({
    apiVersion: "argoproj.io/v1alpha1", kind: "Sensor", metadata: { name: "s" },
    spec: { dependencies: [{ name: "d", eventSourceName: "es", eventName: "e", filters }], triggers: [{ template: { name: "t", log: {} } }] },
  });
  it("data filter values", () => {
    const r = parseResource(sensor({ data: [{ path: "a", type: "string", value: ["ok", "(?<=x)y"] }] }));
    assert.ok(!r.ok);
    assert.equal(r.errors[0]!.path, "spec.dependencies[0].filters.data[0].value[1]");
    assert.match(r.errors[0]!.message, /invalid RE2 regular expression/);
    assert.ok(parseResource(sensor({ data: [{ path: "a", type: "string", value: ["(?i)^ok$", "\\pL"] }] })).ok);
    assert.ok(parseResource(sensor({ data: [{ path: "a", type: "number", value: ["1"] }] })).ok);
  });
  it("EventSource filter.expression and resource field filters", () => {
    const es = (spec: unknown) => parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "x" }, spec });
    const hook = es({ webhook: { a: { port: "12000", endpoint: "/a", method: "POST", filter: { expression: `body.x matches "(?!x)"` } } } });
    assert.ok(!hook.ok);
    assert.equal(hook.errors[0]!.path, "spec.webhook.a.filter.expression");
    assert.match(hook.errors[0]!.message, /invalid RE2/);
    const res = es({ resource: { a: { namespace: "n", version: "v1", resource: "pods", eventTypes: ["ADD"], filter: { fields: [{ key: "metadata.name", value: "x\\1" }] } } } });
    assert.ok(!res.ok);
    assert.equal(res.errors[0]!.path, "spec.resource.a.filter.fields[0].value");
  });
});
