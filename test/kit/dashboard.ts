// Reads a Grafana dashboard's PromQL (panel targets and variable queries) and the metric names each query selects.
import { readFileSync } from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";

export interface DashboardQuery {
  /** Where it is, e.g. `panel "Ingest rate" target A` or `variable eventsource`. */
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: string; refId?: string }[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
}

/** Every PromQL text of a dashboard: its panels' targets (rows' nested panels too) and its query variables. */
export function dashboardQueries(file: string): DashboardQuery[] {
  const d = JSON.parse(readFileSync(file, "utf8")) as { panels?: Panel[]; templating?: { list?: Variable[] } };
  const out: DashboardQuery[] = [];
  const walk = (panels: Panel[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr !== undefined) out.push({ where: `panel "${p.title}" target ${t.refId}`, expr: t.expr });
      walk(p.panels);
    }
  };
  walk(d.panels);
  for (const v of d.templating?.list ?? []) {
    if (v.type !== "query") continue;
    const q = typeof v.query === "string" ? v.query : (v.query?.query ?? "");
    // label_values(<selector>, <label>) is Grafana's, not PromQL: its selector is.
    const m = /^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(q);
    out.push({ where: `variable ${v.name}`, expr: m ? m[1]! : q });
  }
  return out;
}

/** Grafana replaces these before Prometheus sees the query; any duration parses the same. */
function interpolate(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, "5m");
}

/** Metric names the query selects (`name{...}` or `{__name__="name"}`); throws with the position of a syntax error. */
export function metricNames(expr: string): string[] {
  const text = interpolate(expr);
  const tree = parser.parse(text);
  const names = new Set<string>();
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === undefined) error = node.from;
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") names.add(text.slice(node.from, node.to));
      if (node.name === "UnquotedLabelMatcher") {
        const m = /^__name__\s*=\s*"([^"]*)"$/.exec(text.slice(node.from, node.to));
        if (m) names.add(m[1]!);
      }
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error}: ${text.slice(0, error)} ⟨here⟩ ${text.slice(error)}`);
  return [...names];
}

/**
 * Every series name a Prometheus text exposition can produce: the `# TYPE` families (present before any sample),
 * with a histogram's _bucket/_sum/_count and a summary's _sum/_count, plus any sample's own name.
 */
export function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      if (kind === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(name + s);
      else if (kind === "summary") for (const s of ["", "_sum", "_count"]) names.add(name + s);
      else names.add(name);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  return names;
}

/** The queries' metric names that no exposition exports, as "where: name". */
export function unknownMetrics(queries: DashboardQuery[], exported: Set<string>): string[] {
  return queries.flatMap((q) => metricNames(q.expr).filter((n) => !exported.has(n)).map((n) => `${q.where}: ${n}`));
}
