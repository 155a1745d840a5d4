// Parses the Go text/template subset Argo users write: text, {{ }} actions with trim markers, pipelines,
// variables, if/else if/else, range, with, comments.
import { didYouMean } from "@impulse/api";
import { FUNCTIONS } from "./funcs.js";

export type Arg =
  | { k: "field"; base: "dot" | "root" | string; path: string[] } // .a.b, $.a, $x.a
  | { k: "lit"; v: unknown }
  | { k: "fn"; name: string }
  | { k: "sub"; pipe: Pipe; path?: string[] };
export interface Cmd {
  args: Arg[];
}
export interface Pipe {
  decl?: string[]; // $x := / $i, $v :=
  assign?: boolean; // $x = (re-assignment)
  cmds: Cmd[];
}
export type TNode =
  | { k: "text"; v: string }
  | { k: "action"; pipe: Pipe }
  | { k: "if" | "with"; pipe: Pipe; then: TNode[]; else: TNode[] }
  | { k: "range"; pipe: Pipe; then: TNode[]; else: TNode[] };

export class TemplateSyntaxError extends Error {}

interface Action {
  body: string;
  at: number;
}

function split(src: string): (string | Action)[] {
  const out: (string | Action)[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      out.push(src.slice(i));
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith("- ", start) || src.startsWith("-\t", start) || src.startsWith("-\n", start)) {
      text = text.replace(/\s+$/, "");
      start += 1;
    }
    if (text) out.push(text);
    const close = src.indexOf("}}", start);
    if (close < 0) throw new TemplateSyntaxError(`unclosed action starting at ${open + 1}`);
    let end = close;
    let trimAfter = false;
    if (src[close - 1] === "-" && /\s/.test(src[close - 2] ?? "")) {
      end = close - 1;
      trimAfter = true;
    }
    out.push({ body: src.slice(start, end).trim(), at: open + 1 });
    i = close + 2;
    if (trimAfter) while (i < src.length && /\s/.test(src[i]!)) i++;
  }
  return out;
}

function tokens(body: string, at: number): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|:=|=|\||\(|\)|,|[^\s|()=,]+)/y;
  let pos = 0;
  while (pos < body.length) {
    if (/^\s*$/.test(body.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) throw new TemplateSyntaxError(`cannot read action at ${at}: ${body}`);
    // "(pipeline).field": a field chained onto a parenthesised result, written without a space.
    if (m[0] === m[1] && m[1]!.startsWith(".") && out[out.length - 1] === ")") out.push("@" + m[1]!);
    else out.push(m[1]!);
    pos = re.lastIndex;
  }
  return out;
}

function parseArg(tok: string, rest: () => Pipe, chained: () => string[] | undefined): Arg {
  if (tok === "(") {
    const pipe = rest();
    const path = chained();
    return path ? { k: "sub", pipe, path } : { k: "sub", pipe };
  }
  if (tok.startsWith('"')) return { k: "lit", v: JSON.parse(tok) };
  if (tok.startsWith("`")) return { k: "lit", v: tok.slice(1, -1) };
  if (tok.startsWith("'")) {
    const ch = tok.slice(1, -1).replace(/\\(.)/g, "$1");
    return { k: "lit", v: ch.codePointAt(0) ?? 0 };
  }
  if (tok === "true" || tok === "false") return { k: "lit", v: tok === "true" };
  if (tok === "nil") return { k: "lit", v: null };
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(tok) || /^0x[0-9a-f]+$/i.test(tok)) return { k: "lit", v: Number(tok) };
  if (tok === ".") return { k: "field", base: "dot", path: [] };
  if (tok.startsWith(".")) return { k: "field", base: "dot", path: tok.slice(1).split(".") };
  if (tok.startsWith("$")) {
    const [name, ...path] = tok.split(".");
    return { k: "field", base: name === "$" ? "root" : name!, path };
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(tok)) {
    // As Go's parser: an unknown function is a parse error, so it is found before any event arrives.
    if (!Object.hasOwn(FUNCTIONS, tok)) throw new TemplateSyntaxError(`function "${tok}" not defined${didYouMean(tok, Object.keys(FUNCTIONS))}`);
    return { k: "fn", name: tok };
  }
  throw new TemplateSyntaxError(`unexpected "${tok}"`);
}

function parsePipe(toks: string[], pos: { i: number }, closer?: string): Pipe {
  const pipe: Pipe = { cmds: [] };
  // Variable declaration: $x := ... or $i, $v := ...
  const j = toks.indexOf(":=", pos.i);
  const eq = toks.indexOf("=", pos.i);
  const declEnd = j >= 0 ? j : eq;
  if (declEnd > pos.i && toks.slice(pos.i, declEnd).every((t) => t.startsWith("$") || t === ",") && !toks.slice(pos.i, declEnd).includes("(")) {
    pipe.decl = toks.slice(pos.i, declEnd).filter((t) => t !== ",");
    pipe.assign = j < 0;
    pos.i = declEnd + 1;
  }
  let cmd: Cmd = { args: [] };
  while (pos.i < toks.length) {
    const t = toks[pos.i++]!;
    if (t === closer) {
      pipe.cmds.push(cmd);
      return pipe;
    }
    if (t === "|") {
      if (!cmd.args.length) throw new TemplateSyntaxError("missing command before |");
      pipe.cmds.push(cmd);
      cmd = { args: [] };
      continue;
    }
    cmd.args.push(
      parseArg(
        t,
        () => parsePipe(toks, pos, ")"),
        () => (toks[pos.i]?.startsWith("@.") ? toks[pos.i++]!.slice(2).split(".") : undefined),
      ),
    );
  }
  if (closer) throw new TemplateSyntaxError(`missing ${closer}`);
  if (!cmd.args.length) throw new TemplateSyntaxError("empty command");
  pipe.cmds.push(cmd);
  return pipe;
}

export function parseTemplate(src: string): TNode[] {
  const parts = split(src);
  let i = 0;
  const block = (stopAt: string[]): { nodes: TNode[]; stop: string; stopBody: string } => {
    const nodes: TNode[] = [];
    while (i < parts.length) {
      const p = parts[i++]!;
      if (typeof p === "string") {
        nodes.push({ k: "text", v: p });
        continue;
      }
      if (p.body.startsWith("/*")) continue;
      const toks = tokens(p.body, p.at);
      const word = toks[0];
      if (word === "end" || word === "else") {
        if (!stopAt.includes(word)) throw new TemplateSyntaxError(`unexpected {{${word}}} at ${p.at}`);
        return { nodes, stop: word, stopBody: p.body };
      }
      if (word === "if" || word === "with" || word === "range") {
        nodes.push(control(word, toks.slice(1)));
        continue;
      }
      if (word === "define" || word === "template" || word === "block") throw new TemplateSyntaxError(`{{${word}}} is not supported`);
      nodes.push({ k: "action", pipe: parsePipe(toks, { i: 0 }) });
    }
    if (stopAt.length) throw new TemplateSyntaxError(`missing {{end}}`);
    return { nodes, stop: "", stopBody: "" };
  };
  const control = (k: "if" | "with" | "range", toks: string[]): TNode => {
    if (!toks.length) throw new TemplateSyntaxError(`{{${k}}} needs a pipeline`);
    const pipe = parsePipe(toks, { i: 0 });
    const then = block(["end", "else"]);
    let otherwise: TNode[] = [];
    if (then.stop === "else") {
      const rest = tokens(then.stopBody, 0).slice(1);
      if (rest[0] === "if" && k === "if") otherwise = [control("if", rest.slice(1))];
      else otherwise = block(["end"]).nodes;
    }
    return { k, pipe, then: then.nodes, else: otherwise };
  };
  return block([]).nodes;
}
