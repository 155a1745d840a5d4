// The resource source's filters: the server-side label selector, and the client-side name, field and time checks.
import { compileRegexTest, getPath, resultString, type FieldSelector, type LabelSelector, type ResourceEventType, type ResourceFilter } from "@impulse/api";
import type { KubeObject } from "../../kube-http.js";

/** Renders Argo's label selectors in the API server's selector syntax. */
export function labelSelectorString(selectors: readonly LabelSelector[] | undefined): string {
  return (selectors ?? [])
    .map(({ key, operation, value }) => {
      const list = () =>
        value
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean)
          .join(",");
      switch (operation) {
        case "exists":
          return key;
        case "!":
          return `!${key}`;
        case "in":
          return `${key} in (${list()})`;
        case "notin":
          return `${key} notin (${list()})`;
        case "gt":
          return `${key}>${value}`;
        case "lt":
          return `${key}<${value}`;
        default:
          return `${key}${operation}${value}`;
      }
    })
    .join(",");
}

/** When the change happened, as Argo dates it for `afterStart`. */
export function changeTime(type: ResourceEventType, obj: KubeObject, now: number): number {
  const parse = (t: string | undefined) => (t ? Date.parse(t) : NaN);
  if (type === "ADD") return parse(obj.metadata.creationTimestamp);
  if (type === "DELETE") {
    const t = parse(obj.metadata.deletionTimestamp);
    return Number.isNaN(t) ? now : t;
  }
  const times = (obj.metadata.managedFields ?? []).map((f) => parse(f.time)).filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : now;
}

export type FilterVerdict = { pass: true } | { pass: false; reason: string };

function fieldPasses(obj: KubeObject, f: FieldSelector, matches: (s: string) => boolean): boolean {
  const got = getPath(obj, f.key);
  const matched = got.exists && matches(resultString(got.value));
  return f.operation === "!=" ? !matched : matched;
}

/** Compiles the client-side filter once; the label selector is applied by the API server instead. */
export function compileObjectFilter(filter: ResourceFilter | undefined, startedAtMs: number): (type: ResourceEventType, obj: KubeObject, now: number) => FilterVerdict {
  const fields = (filter?.fields ?? []).map((f) => ({ f, re: compileRegexTest(f.value) }));
  const createdBy = filter?.createdBy ? Date.parse(filter.createdBy) : undefined;
  // Kubernetes timestamps have whole seconds: an object created in the second the source started counts as after it.
  const startedAt = Math.floor(startedAtMs / 1000) * 1000;
  return (type, obj, now) => {
    if (filter?.prefix && !obj.metadata.name.startsWith(filter.prefix)) return { pass: false, reason: `name ${obj.metadata.name} lacks prefix ${filter.prefix}` };
    for (const { f, re } of fields) if (!fieldPasses(obj, f, re)) return { pass: false, reason: `field ${f.key} ${f.operation} /${f.value}/ did not match` };
    if (createdBy !== undefined && !(Date.parse(obj.metadata.creationTimestamp ?? "") <= createdBy)) return { pass: false, reason: `created after ${filter!.createdBy}` };
    if (filter?.afterStart && changeTime(type, obj, now) < startedAt) return { pass: false, reason: "changed before the source started" };
    return { pass: true };
  };
}
