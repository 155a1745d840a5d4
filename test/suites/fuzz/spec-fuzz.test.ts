// Spec fuzzer: every shipped example, mutated at random (fields dropped, renamed, retyped, nested, replaced by
// arbitrary JSON), goes through validation and Sensor compilation. Lint must never crash, and every finding must name
// a path and say something. fast-check shrinks a failure to a small mutation and prints its seed.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { parseResource, type Finding } from "@impulse/api";
import { compileSensor } from "@impulse/sensor/compile";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "../../kit/cli.js";

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : [];
  });
}

const examples: unknown[] = yamlFiles(join(repoRoot, "manifests", "examples"))
  .flatMap((f) => parseAllDocuments(readFileSync(f, "utf8")).map((d) => d.toJS() as unknown))
  .filter((d) => d && typeof d === "object" && ["EventSource", "Sensor", "EventBus"].includes((d as { kind?: string }).kind ?? ""));

type Json = unknown;
type Mutation = { at: number; op: "delete" | "replace" | "rename" | "wrap" | "nest" | "stringify"; value: Json; key: string };

/** Every (container, key) pair in a document, in a stable order, so a mutation can pick one by index. */
function slots(doc: Json, out: { parent: Record<string, Json> | Json[]; key: string | number }[] = []) {
  if (Array.isArray(doc)) doc.forEach((v, i) => (out.push({ parent: doc, key: i }), slots(v, out)));
  else if (doc && typeof doc === "object") for (const [k, v] of Object.entries(doc)) out.push({ parent: doc as Record<string, Json>, key: k }), slots(v, out);
  return out;
}

function mutate(doc: Json, m: Mutation): void {
  const all = slots(doc);
  if (!all.length) return;
  const { parent, key } = all[m.at % all.length]!;
  const p = parent as Record<string | number, Json>;
  switch (m.op) {
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
      break;
    case "replace":
      p[key] = m.value;
      break;
    case "rename":
      if (!Array.isArray(parent)) {
        p[m.key] = p[key];
        delete p[key];
      }
      break;
    case "wrap":
      p[key] = [p[key]];
      break;
    case "nest":
      p[key] = { [m.key]: p[key] };
      break;
    case "stringify":
      p[key] = JSON.stringify(p[key]) ?? "";
      break;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "replace", "rename", "wrap", "nest", "stringify"),
  value: fc.jsonValue({ maxDepth: 3 }),
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("eventNmae", "methd", "__proto__", "constructor", "", "dataTemplate", "script")),
});

function checkFindings(kind: string, findings: Finding[]): void {
  for (const f of findings) {
    assert.equal(typeof f.path, "string", `${kind}: a finding without a path: ${JSON.stringify(f)}`);
    assert.ok(f.path.length > 0, `${kind}: a finding with an empty path: ${JSON.stringify(f)}`);
    assert.ok(typeof f.message === "string" && f.message.length > 0, `${kind}: a finding without a message: ${JSON.stringify(f)}`);
  }
}

it("lints any mutation of the shipped examples without crashing, every finding with a path", () => {
  assert.ok(examples.length >= 5, "the examples were found");
  let refused = 0;
  fc.assert(
    fc.property(fc.nat({ max: examples.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (which, mutations) => {
      const doc = structuredClone(examples[which]);
      for (const m of mutations) mutate(doc, m);
      const r = parseResource(doc);
      checkFindings("parse", r.ok ? r.warnings : [...r.errors, ...r.warnings]);
      if (!r.ok) refused++;
      if (r.ok && r.resource.kind === "Sensor") checkFindings("compile", compileSensor(r.resource).errors);
      // Lint also compiles the valid parts of a refused Sensor (so one run shows every mistake): that must not crash either.
      if (!r.ok && r.partial?.kind === "Sensor" && r.partial.spec) checkFindings("partial compile", compileSensor(r.partial, { partial: true }).errors);
    }),
    { numRuns: Number(process.env["IMPULSE_FUZZ_RUNS"] ?? 2000) },
  );
  // The mutations must reach validation, not only harmless corners: a good share of documents is refused.
  assert.ok(refused > 100, `only ${refused} mutated documents were refused`);
});

it("lints arbitrary JSON as a resource without crashing", () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom("EventSource", "Sensor", "EventBus"), (spec, kind) => {
      const r = parseResource({ apiVersion: "impulse.dev/v1alpha1", kind, metadata: { name: "fuzz" }, spec });
      checkFindings(kind, r.ok ? r.warnings : [...r.errors, ...r.warnings]);
      if (r.ok && r.resource.kind === "Sensor") checkFindings("compile", compileSensor(r.resource).errors);
    }),
    { numRuns: Number(process.env["IMPULSE_FUZZ_RUNS"] ?? 2000) },
  );
});
