// Reads YAML files and directories into validated resources, keeping each finding's file and path.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { parseResource, RESOURCE_KINDS, type Finding, type Resource } from "@impulse/api";
import { compileSensor } from "@impulse/sensor/compile";
import { parseAllDocuments } from "yaml";

export interface LoadedDoc {
  file: string;
  /** Kind/name when known, for messages. */
  label: string;
  resource?: Resource;
  /** When the schema refused the document: its valid parts, for checks that can still run on them. */
  partial?: Resource;
  errors: Finding[];
  warnings: Finding[];
}

export interface Loaded {
  docs: LoadedDoc[];
  /** Documents of other kinds (Deployments, RBAC, ...) that were left alone, by "apiVersion kind". */
  skipped: string[];
}

/** API groups whose kinds Impulse reads; a document of any other group in a mixed folder is not ours to check. */
const OUR_GROUPS = ["impulse.dev/", "argoproj.io/"];

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

const fileError = (file: string, label: string, message: string): LoadedDoc => ({ file, label, errors: [{ path: label, message }], warnings: [] });

/** A document another tool owns: a known Kubernetes kind of another API group (an Argo Workflow is still ours to refuse). */
function foreign(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  if (OUR_GROUPS.some((g) => apiVersion.startsWith(g)) || (RESOURCE_KINDS as readonly string[]).includes(kind)) return undefined;
  return `${apiVersion} ${kind}`;
}

/**
 * Parses and validates every document of every file. A file that cannot be read or parsed (a YAML syntax error, an
 * alias bomb) is that file's error, and the others are still read.
 */
export function loadDocuments(paths: string[]): Loaded {
  const docs: LoadedDoc[] = [];
  const skipped: string[] = [];
  for (const file of paths.filter((p) => !existsSync(p))) docs.push(fileError(file, "(file)", "no such file or directory"));
  for (const file of paths.filter((p) => existsSync(p)).flatMap(yamlFiles)) {
    let parsed;
    try {
      parsed = parseAllDocuments(readFileSync(file, "utf8"));
    } catch (e) {
      docs.push(fileError(file, "(file)", (e as Error).message));
      continue;
    }
    for (const doc of Array.isArray(parsed) ? parsed : [parsed]) {
      if (doc.errors.length) {
        docs.push({ file, label: "(yaml)", errors: doc.errors.map((e) => ({ path: "(yaml)", message: e.message })), warnings: [] });
        continue;
      }
      let value: unknown;
      try {
        // The yaml library refuses documents whose aliases expand too far (a "billion laughs" bomb).
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        docs.push(fileError(file, "(yaml)", (e as Error).message));
        continue;
      }
      if (value === null || value === undefined) continue;
      const other = foreign(value);
      if (other) {
        skipped.push(other);
        continue;
      }
      const r = parseResource(value);
      const label = `${r.ok ? r.resource.kind : (r.kind ?? "?")}/${r.ok ? r.resource.metadata.name : (r.name ?? "?")}`;
      if (r.ok) docs.push({ file, label, resource: r.resource, errors: [], warnings: r.warnings });
      else docs.push({ file, label, errors: r.errors, warnings: r.warnings, ...(r.partial ? { partial: r.partial } : {}) });
    }
  }
  return { docs, skipped };
}

/** Loads resources to run: Sensors are also compiled, so features the runtime cannot run are errors, not surprises at start-up. */
export function loadResources(paths: string[]): LoadedDoc[] {
  const { docs } = loadDocuments(paths);
  for (const d of docs) if (d.resource?.kind === "Sensor") d.errors.push(...compileSensor(d.resource).errors);
  return docs;
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
