// Argo's node field selector (`--node-field-selector phase=Running,templateName!=x`): Kubernetes field-selector syntax over a node's fields.
import { ErrorCodes, ImpulseError } from "@impulse/api";
import type { NodeStatus } from "./workflow.js";

interface Term {
  field: string;
  equal: boolean;
  value: string;
}

/** Parses `a=b,c==d,e!=f` (all must hold); throws InvalidSpec on a term without an operator. */
export function parseNodeSelector(selector: string): Term[] {
  return selector
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const m = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(t);
      if (!m) throw new ImpulseError(ErrorCodes.InvalidSpec, `--node-field-selector: "${t}" is not field=value, field==value or field!=value`);
      return { field: m[1]!, equal: m[2] !== "!=", value: m[3]! };
    });
}

/** The fields a selector can name (Argo's SelectorMatchesNode). */
function nodeFields(n: NodeStatus): Record<string, string> {
  const f: Record<string, string> = {
    displayName: n.displayName ?? "",
    templateName: n.templateRef ? (n.templateRef.template ?? "") : (n.templateName ?? ""),
    phase: n.phase ?? "",
    name: n.name,
    id: n.id,
  };
  if (n.templateRef) {
    f["templateRef.name"] = n.templateRef.name ?? "";
    f["templateRef.template"] = n.templateRef.template ?? "";
  }
  for (const p of n.inputs?.parameters ?? []) f[`inputs.parameters.${p.name}.value`] = p.value ?? "";
  return f;
}

/** A missing field reads as "" (so `x!=y` holds for it), as with Kubernetes field sets. */
export function matchesNode(terms: Term[], n: NodeStatus): boolean {
  const f = nodeFields(n);
  return terms.every((t) => ((f[t.field] ?? "") === t.value) === t.equal);
}
