// Renders docs/crds.md, the field reference of the CRDs, from the same structural schemas the CRDs carry.
import type { BuiltCrd } from "./crds.js";
import type { JSONSchemaProps } from "./types.js";

interface Row {
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

function typeName(s: JSONSchemaProps): string {
  if (s["x-kubernetes-int-or-string"]) return "int-or-string";
  if (s.type === "array") return `[]${s.items ? typeName(s.items) : "any"}`;
  if (s.type === "object" && s.additionalProperties) return `map[string]${typeName(s.additionalProperties)}`;
  if (s.type) return s.type;
  return "any";
}

function constraints(s: JSONSchemaProps): string[] {
  const out: string[] = [];
  if (s.enum) out.push(`One of: ${s.enum.map((v) => (v === "" ? '`""`' : `\`${String(v)}\``)).join(", ")}.`);
  if (s.pattern) out.push(`Pattern: \`${s.pattern}\`.`);
  if (s.minLength) out.push(`At least ${s.minLength} character${s.minLength > 1 ? "s" : ""}.`);
  if (s.minItems) out.push(`At least ${s.minItems} item${s.minItems > 1 ? "s" : ""}.`);
  if (s.minimum !== undefined) out.push(`Minimum ${s.minimum}${s.exclusiveMinimum ? " (exclusive)" : ""}.`);
  if (s.maximum !== undefined) out.push(`Maximum ${s.maximum}${s.exclusiveMaximum ? " (exclusive)" : ""}.`);
  if (s.format) out.push(`Format ${s.format}.`);
  if (s["x-kubernetes-list-type"] === "map") out.push(`Unique by ${s["x-kubernetes-list-map-keys"]!.join(", ")}.`);
  for (const v of s["x-kubernetes-validations"] ?? []) out.push(`Rule: ${v.message ?? v.rule}.`);
  if (s["x-kubernetes-preserve-unknown-fields"] && !s.properties) out.push("Free-form: checked by Impulse, not by the API server.");
  return out;
}

/** Object shapes already written out, by their JSON: a repeat (trigger parameters, secret selectors) points back instead. */
type Seen = Map<string, string>;

function fieldCount(s: JSONSchemaProps): number {
  const obj = s.type === "array" ? s.items : s.type === "object" ? (s.additionalProperties ?? s) : undefined;
  return Object.values(obj?.properties ?? {}).reduce((n, c) => n + 1 + fieldCount(c), 0);
}

function walk(s: JSONSchemaProps, path: string, required: boolean, rows: Row[], seen: Seen = new Map()): void {
  const key = fieldCount(s) > 3 ? JSON.stringify({ ...s, description: undefined }) : undefined;
  const first = key ? seen.get(key) : undefined;
  rows.push({
    path,
    type: typeName(s),
    required,
    ...(s.default !== undefined ? { default: s.default } : {}),
    description: [s.description ?? "", ...constraints(s), first ? `Same fields as \`${first}\`.` : ""].filter(Boolean).join(" "),
  });
  if (first) return;
  if (key) seen.set(key, path);
  const children = (obj: JSONSchemaProps, prefix: string) => {
    for (const [k, v] of Object.entries(obj.properties ?? {})) walk(v, `${prefix}.${k}`, obj.required?.includes(k) ?? false, rows, seen);
  };
  if (s.type === "object" && s.properties) children(s, path);
  if (s.type === "array" && s.items?.properties) children(s.items, `${path}[]`);
  if (s.type === "object" && s.additionalProperties?.properties) children(s.additionalProperties, `${path}.<name>`);
}

/** Table cells: pipes split cells (even in code spans), and outside code spans a bare <name> would vanish as an HTML tag. */
const cell = (t: string) =>
  t
    .replace(/\s*\n\s*/g, " ")
    .split("`")
    .map((part, i) => (i % 2 ? part : part.replace(/</g, "&lt;")))
    .join("`")
    .replace(/\|/g, "\\|");

function table(rows: Row[]): string {
  const lines = ["| Field | Type | Required | Default | Description |", "| --- | --- | --- | --- | --- |"];
  for (const r of rows)
    lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${r.required ? "yes" : ""} | ${r.default === undefined ? "" : `\`${cell(JSON.stringify(r.default))}\``} | ${cell(r.description)} |`);
  return lines.join("\n");
}

function kindSection(b: BuiltCrd): string {
  const { crd, kind } = b;
  const v = crd.spec.versions[0]!;
  const root = v.schema.openAPIV3Schema;
  const spec: Row[] = [];
  const status: Row[] = [];
  walk(root.properties!["spec"]!, "spec", true, spec);
  walk(root.properties!["status"]!, "status", false, status);
  const columns = v.additionalPrinterColumns.map((c) => `| ${c.name} | \`${cell(c.jsonPath)}\` | ${c.priority ? "`-o wide`" : "always"} |`);
  return [
    `## ${kind.kind}`,
    "",
    `\`${crd.metadata.name}\`, short name${kind.shortNames.length > 1 ? "s" : ""} ${kind.shortNames.map((n) => `\`${n}\``).join(", ")}, categories ${crd.spec.names.categories.map((c) => `\`${c}\``).join(", ")}. ${kind.description}`,
    "",
    "Columns of `kubectl get`:",
    "",
    "| Column | From | Shown |",
    "| --- | --- | --- |",
    ...columns,
    "",
    `### ${kind.kind} spec`,
    "",
    table(spec),
    "",
    `### ${kind.kind} status`,
    "",
    "Written by the controller; the printer columns above read these fields.",
    "",
    table(status),
  ].join("\n");
}

/** The whole page. Deterministic: the drift test compares it byte for byte with docs/crds.md. */
export function crdReference(crds: BuiltCrd[]): string {
  return [
    "<!-- Generated by `impulse gen-crds` from the zod schemas in api/; edit those, then run `impulse gen-crds`. -->",
    "# CRD reference",
    "",
    "Impulse's custom resources live in the `impulse.dev/v1alpha1` API group (the CLI also reads `argoproj.io/v1alpha1` files;",
    "the cluster serves `impulse.dev` only). The CRDs in [`manifests/crds/`](../manifests/crds/) carry a full structural",
    "schema with these descriptions, so `kubectl explain sensor.spec.triggers` works and the API server rejects a wrong",
    "type, a missing required field, a value outside an enum, two trigger kinds in one template or a duplicate dependency",
    "name at `kubectl apply` (and kubectl's strict field validation reports a misspelt field). What a schema cannot",
    "express (cross-field checks, URL and expression syntax, Go durations) is checked by the controller with the same zod",
    "schemas `impulse lint` uses: it sets `Ready=False` with the field's path and records a `Warning` event.",
    "",
    "Fields typed *any* or marked free-form are open in the CRD: the controller validates them. `Trigger.dlqTrigger` is",
    "one of them: it has the same fields as `spec.triggers[]`, but a recursive type cannot be written out in a CRD.",
    "",
    ...crds.flatMap((b) => [kindSection(b), ""]),
  ].join("\n");
}
