// Data filters: compare one path of the event data with a list of values (OR inside a filter), combined and/or.
import { ErrorCodes, ImpulseError, type DataFilter } from "@impulse/api";
import { compilePath, compileRegexTest, resultString, type PathResult } from "@impulse/api";
import { compileTemplate, type CompiledTemplate } from "../template/index.js";
import { gjsonBool, gjsonFloat, parseGoBool, parseGoFloat } from "./go-values.js";
import { PASS, type CompiledFilter, type FilterResult } from "./types.js";

type ValueTest = (v: unknown) => boolean;

function compileOne(f: DataFilter, at: string): ValueTest {
  const cmp = f.comparator || "=";
  switch (f.type) {
    case "string": {
      if (cmp !== "=" && cmp !== "!=") throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.comparator: string filters support only = and !=`);
      // RE2 (linear time, Go's syntax), as Argo's regexp.Compile: an event's value cannot make a pattern backtrack.
      const res = f.value.map((v, i) => {
        try {
          return compileRegexTest(v);
        } catch (e) {
          throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.value[${i}]: ${(e as Error).message}`);
        }
      });
      // Unanchored match, as Go's regexp.Match; with != a value passes when it does not match.
      return cmp === "=" ? (v) => res.some((test) => test(resultString(v))) : (v) => res.some((test) => !test(resultString(v)));
    }
    case "number": {
      const nums = f.value.map((v, i) => {
        const n = parseGoFloat(v);
        if (n === undefined) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.value[${i}]: "${v}" is not a number`);
        return n;
      });
      const ops: Record<string, (a: number, b: number) => boolean> = {
        "=": (a, b) => a === b,
        "!=": (a, b) => a !== b,
        ">": (a, b) => a > b,
        ">=": (a, b) => a >= b,
        "<": (a, b) => a < b,
        "<=": (a, b) => a <= b,
      };
      const op = ops[cmp]!;
      return (v) => nums.some((n) => op(gjsonFloat(v), n));
    }
    case "bool": {
      const bools = f.value.map((v, i) => {
        const b = parseGoBool(v);
        if (b === undefined) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.value[${i}]: "${v}" is not a boolean`);
        return b;
      });
      if (cmp !== "=" && cmp !== "!=") throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.comparator: bool filters support only = and !=`);
      return cmp === "=" ? (v) => bools.includes(gjsonBool(v)) : (v) => bools.some((b) => b !== gjsonBool(v));
    }
  }
}

export function compileDataFilters(filters: DataFilter[], operator: string | undefined, at: string): CompiledFilter {
  const compiled = filters.map((f, i) => {
    let template: CompiledTemplate | undefined;
    if (f.template) {
      try {
        template = compileTemplate(f.template);
      } catch (e) {
        throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.data[${i}].template: ${(e as Error).message}`);
      }
    }
    return { path: f.path, read: compilePath(f.path), template, test: compileOne(f, `${at}.data[${i}]`), describe: `${f.path} ${f.comparator || "="} ${JSON.stringify(f.value)}` };
  });
  /** Argo runs the template over the value's string form and compares its output, as a string. */
  const applyTemplate = (f: (typeof compiled)[number], r: PathResult): PathResult | FilterResult => {
    if (!r.exists || !f.template) return r;
    let out: string;
    try {
      out = f.template({ Input: resultString(r.value) });
    } catch (e) {
      return { pass: false, error: true, reason: `data ${f.path} template failed: ${(e as Error).message}` };
    }
    if (out === "" || out === "<no value>") return { pass: false, error: true, reason: `data ${f.path} template gave ${out === "" ? "an empty string" : "<no value>"}` };
    return { exists: true, value: out };
  };
  const any = operator === "or";
  return (event) => {
    // Argo passes events without data: there is nothing to compare.
    if (event.data === null || event.data === undefined) return PASS;
    const failures: string[] = [];
    for (const f of compiled) {
      const read = applyTemplate(f, f.read(event.data));
      if ("pass" in read) {
        if (!any) return read;
        failures.push(read.reason!);
        continue;
      }
      const r = read;
      const ok = r.exists && f.test(r.value);
      if (ok && any) return PASS;
      if (!ok) {
        const why: FilterResult["reason"] = r.exists ? `data ${f.describe} did not match (got ${JSON.stringify(r.value)})` : `data path ${f.path} not found`;
        if (!any) return { pass: false, reason: why, ...(r.exists ? {} : { error: true }) };
        failures.push(why!);
      }
    }
    return any && compiled.length > 0 ? { pass: false, reason: failures.join("; ") } : PASS;
  };
}
