// A precedence-climbing parser for govaluate expressions; the tree is evaluated without eval().
import { ExprSyntaxError, tokenize, type ExprDialect, type Token } from "./lexer.js";

export type Node =
  | { k: "lit"; v: unknown }
  | { k: "var"; name: string }
  | { k: "list"; items: Node[] }
  | { k: "unary"; op: string; x: Node }
  | { k: "binary"; op: string; a: Node; b: Node }
  | { k: "ternary"; cond: Node; then: Node; else: Node | undefined };

/** Binding power of binary operators, lowest first (govaluate's precedence). */
const BINARY: Record<string, number> = {
  "??": 2,
  "||": 3,
  "&&": 4,
  "==": 5, "!=": 5, ">": 5, "<": 5, ">=": 5, "<=": 5, "=~": 5, "!~": 5, in: 5,
  "|": 6, "^": 6, "&": 6,
  "<<": 7, ">>": 7,
  "+": 8, "-": 8,
  "*": 9, "/": 9, "%": 9,
  "**": 10,
};

export function parseExpression(src: string, dialect: ExprDialect = "govaluate"): Node {
  const tokens = tokenize(src, dialect);
  let i = 0;
  const peek = (): Token => tokens[i]!;
  const isOp = (v: string) => peek().t === "op" && (peek() as { v: string }).v === v;
  const expectOp = (v: string) => {
    if (!isOp(v)) throw new ExprSyntaxError(`expected "${v}" at ${peek().at + 1}`);
    i++;
  };

  const primary = (): Node => {
    const tok = tokens[i++]!;
    switch (tok.t) {
      case "num":
      case "str":
      case "bool":
        return { k: "lit", v: tok.v };
      case "name":
        return { k: "var", name: tok.v };
      case "end":
        throw new ExprSyntaxError("expression ends too early");
      case "op":
        if (tok.v === "(") {
          const first = expr(0);
          if (isOp(",")) {
            const items = [first];
            while (isOp(",")) (i++, items.push(expr(0)));
            expectOp(")");
            return { k: "list", items };
          }
          expectOp(")");
          return first;
        }
        if (tok.v === "!" || tok.v === "-" || tok.v === "~") return { k: "unary", op: tok.v, x: primaryWithPower() };
        throw new ExprSyntaxError(`unexpected "${tok.v}" at ${tok.at + 1}`);
    }
  };
  // Prefix operators bind tighter than every binary operator except **.
  const primaryWithPower = (): Node => {
    const base = primary();
    if (isOp("**")) {
      i++;
      return { k: "binary", op: "**", a: base, b: primaryWithPower() };
    }
    return base;
  };

  const expr = (minPower: number): Node => {
    let left = primaryWithPower();
    for (;;) {
      const tok = peek();
      if (tok.t !== "op") break;
      if (tok.v === "?" && minPower <= 1) {
        i++;
        const then = expr(1);
        let otherwise: Node | undefined;
        if (isOp(":")) (i++, (otherwise = expr(1)));
        left = { k: "ternary", cond: left, then, else: otherwise };
        continue;
      }
      const power = BINARY[tok.v];
      if (power === undefined || power < minPower || tok.v === "**") break;
      i++;
      left = { k: "binary", op: tok.v, a: left, b: expr(power + 1) };
    }
    return left;
  };

  const tree = expr(0);
  if (peek().t !== "end") throw new ExprSyntaxError(`unexpected "${(peek() as { v?: unknown }).v ?? ""}" at ${peek().at + 1}`);
  return tree;
}

export function variables(n: Node, out = new Set<string>()): Set<string> {
  switch (n.k) {
    case "var":
      out.add(n.name);
      break;
    case "list":
      n.items.forEach((x) => variables(x, out));
      break;
    case "unary":
      variables(n.x, out);
      break;
    case "binary":
      variables(n.a, out), variables(n.b, out);
      break;
    case "ternary":
      variables(n.cond, out), variables(n.then, out);
      if (n.else) variables(n.else, out);
      break;
  }
  return out;
}
