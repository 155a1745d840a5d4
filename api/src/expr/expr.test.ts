import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExprEvalError, evaluateExpr } from "./evaluate.js";
import { ExprSyntaxError } from "./lexer.js";
import { parseExpression } from "./parser.js";

const run = (src: string, vars: Record<string, unknown> = {}) => evaluateExpr(parseExpression(src), new Map(Object.entries(vars)));

describe("govaluate expressions", () => {
  const cases: [string, Record<string, unknown>, unknown][] = [
    ['a == "b" || c == 10', { a: "b", c: 10 }, true],
    ['a == "b" && c == 10', { a: "b", c: 11 }, false],
    ["a > 10 && b <= 5", { a: 10.5, b: 5 }, true],
    ['name =~ "^dep-[0-9]+$"', { name: "dep-42" }, true],
    ['name !~ "prod"', { name: "staging" }, true],
    ["!(a == 1)", { a: 2 }, true],
    ["a in (1, 2, 3)", { a: 2 }, true],
    ['env in ("dev", "qa")', { env: "prod" }, false],
    ["a > 1 ? 'big' : 'small'", { a: 0 }, "small"],
    ['a + "-x" == "y-x"', { a: "y" }, true],
    ["1 + 2 * 3 == 7", {}, true],
    ["(1 + 2) * 3", {}, 9],
    ["-a + 4", { a: 1 }, 3],
    ["2 ** 10", {}, 1024],
    ["7 % 4 == 3", {}, true],
    ["6 & 3", {}, 2],
    ["missing ?? 'default'", { missing: null }, "default"],
    ["[dotted.name with space] == 1", { "dotted.name with space": 1 }, true],
    ['"b" > "a"', {}, true],
    ["obj == obj", { obj: { x: [1] } }, true],
    ["true && false || true", {}, true],
  ];
  for (const [src, vars, want] of cases) it(`${src} → ${JSON.stringify(want)}`, () => assert.deepEqual(run(src, vars), want));

  it("short-circuits: the right side of a decided && or || is not evaluated", () => {
    assert.equal(run("false && (x > 1)", {}), false);
    assert.equal(run("true || (x > 1)", {}), true);
  });

  it("reports type errors, unknown variables and syntax errors", () => {
    assert.throws(() => run('a > "x"', { a: 1 }), ExprEvalError);
    assert.throws(() => run("a && true", { a: 1 }), /needs booleans/);
    assert.throws(() => run("a == 1", {}), /no parameter "a"/);
    for (const bad of ["a ==", "(a", "a b", "'unterminated", "a == 1)", "@", ""]) assert.throws(() => parseExpression(bad), ExprSyntaxError, bad);
  });

  it("never crashes or hangs on random input (fuzz)", () => {
    const atoms = ["a", "b", "1", "2.5", "'s'", '"t"', "true", "(", ")", ",", "==", "!=", "<", ">=", "&&", "||", "!", "-", "+", "*", "/", "**", "=~", "in", "?", ":", "??", "[x]", "~", "&", "<<"];
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 3000; i++) {
      const src = Array.from({ length: 1 + rand(12) }, () => atoms[rand(atoms.length)]).join(" ");
      try {
        evaluateExpr(parseExpression(src), new Map<string, unknown>([["a", 1], ["b", "x"], ["x", true]]));
      } catch (e) {
        assert.ok(e instanceof ExprSyntaxError || e instanceof ExprEvalError, `${src}: ${(e as Error).stack}`);
      }
    }
  });
});
