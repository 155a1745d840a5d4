// Tokens of govaluate expressions (Argo's `exprs` filter language): numbers, strings, names, operators.

export type Token =
  | { t: "num"; v: number; at: number }
  | { t: "str"; v: string; at: number }
  | { t: "bool"; v: boolean; at: number }
  | { t: "name"; v: string; at: number }
  | { t: "op"; v: string; at: number }
  | { t: "end"; at: number };

const OPERATORS = ["**", "==", "!=", ">=", "<=", "=~", "!~", "&&", "||", "??", "<<", ">>", "+", "-", "*", "/", "%", ">", "<", "!", "~", "&", "|", "^", "?", ":", "(", ")", ","];

export class ExprSyntaxError extends Error {}

/**
 * `govaluate` is the Sensor exprs language. `expr` is the EventSource filter language (antonmedv/expr); the subset
 * Impulse reads is govaluate plus expr's word operators, which map onto the same tree.
 */
export type ExprDialect = "govaluate" | "expr";

const EXPR_WORDS: Record<string, string> = { and: "&&", or: "||", not: "!", matches: "=~" };

export function tokenize(src: string, dialect: ExprDialect = "govaluate"): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]), at });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let v = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        v += src[j++];
      }
      if (j >= src.length) throw new ExprSyntaxError(`unterminated string starting at ${at + 1}`);
      out.push({ t: "str", v, at });
      i = j + 1;
      continue;
    }
    if (c === "[") {
      // govaluate's escaped variable name: [name with spaces]
      const j = src.indexOf("]", i);
      if (j < 0) throw new ExprSyntaxError(`unterminated [name] starting at ${at + 1}`);
      out.push({ t: "name", v: src.slice(i + 1, j), at });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i))!;
      const word = m[0];
      if (word === "true" || word === "false") out.push({ t: "bool", v: word === "true", at });
      else if (word === "in") out.push({ t: "op", v: "in", at });
      else if (dialect === "expr" && word in EXPR_WORDS) out.push({ t: "op", v: EXPR_WORDS[word]!, at });
      else out.push({ t: "name", v: word, at });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprSyntaxError(`unexpected "${c}" at ${at + 1}`);
    out.push({ t: "op", v: op, at });
    i += op.length;
  }
  out.push({ t: "end", at: src.length });
  return out;
}
