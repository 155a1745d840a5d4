// Reads YAML files and directories into validated resources, keeping each finding's file and path.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { parseResource, type Finding, type Resource } from "@impulse/api";
import { compileSensor } from "@impulse/sensor/compile";
import { parseAllDocuments } from "yaml";

export interface LoadedDoc {
  file: string;
  /** Kind/name when known, for messages. */
  label: string;
  resource?: Resource;
  errors: Finding[];
  warnings: Finding[];
}

function yamlFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => {
      const p = join(path, f);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return [".yaml", ".yml", ".json"].includes(extname(f)) ? [p] : [];
    });
}

export function loadResources(paths: string[]): LoadedDoc[] {
  const out: LoadedDoc[] = [];
  const missing = paths.filter((p) => !existsSync(p));
  for (const file of missing) out.push({ file, label: "(file)", errors: [{ path: "(file)", message: "no such file or directory" }], warnings: [] });
  for (const file of paths.filter((p) => existsSync(p)).flatMap(yamlFiles)) {
    let docs;
    try {
      docs = parseAllDocuments(readFileSync(file, "utf8"));
    } catch (e) {
      out.push({ file, label: "(file)", errors: [{ path: "(file)", message: (e as Error).message }], warnings: [] });
      continue;
    }
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length) {
        out.push({ file, label: "(yaml)", errors: doc.errors.map((e) => ({ path: "(yaml)", message: e.message })), warnings: [] });
        continue;
      }
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      const r = parseResource(value);
      const label = `${r.ok ? r.resource.kind : (r.kind ?? "?")}/${r.ok ? r.resource.metadata.name : (r.name ?? "?")}`;
      if (!r.ok) {
        out.push({ file, label, errors: r.errors, warnings: r.warnings });
        continue;
      }
      // Sensors are also compiled: features the runtime cannot run yet are errors, not surprises at start-up.
      const errors = r.resource.kind === "Sensor" ? compileSensor(r.resource).errors : [];
      out.push({ file, label, resource: r.resource, errors, warnings: r.warnings });
    }
  }
  return out;
}

export function formatFindings(docs: LoadedDoc[]): { text: string; errorCount: number } {
  const lines: string[] = [];
  let errorCount = 0;
  for (const d of docs) {
    for (const e of d.errors) lines.push(`${d.file}: ${d.label}: error: ${e.path}: ${e.message}`);
    for (const w of d.warnings) lines.push(`${d.file}: ${d.label}: warning: ${w.path}: ${w.message}`);
    errorCount += d.errors.length;
  }
  return { text: lines.join("\n"), errorCount };
}
