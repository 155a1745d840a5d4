// Reads message templates (Sensors' messageTemplate) from files: a ConfigMap manifest, a directory of manifests, or a
// mounted ConfigMap (one file per key, as the controller mounts impulse-notification-templates into sensor pods).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { MESSAGE_TEMPLATES_CONFIGMAP, TEMPLATE_KEY_PREFIX, type Finding } from "@impulse/api";
// The catalog subpath only: lint reads templates and must not load the Sensor runtime (NATS, metrics).
import { mergeCatalogs, parseCatalog, type MessageCatalog } from "@impulse/sensor/catalog";
import { parseAllDocuments } from "yaml";

export interface LoadedTemplates {
  catalog?: MessageCatalog | undefined;
  /** Problems in the templates, each with the file it is in. */
  errors: (Finding & { file: string })[];
}

interface ConfigMapDoc {
  kind?: unknown;
  metadata?: { name?: unknown };
  data?: Record<string, unknown>;
}

/** ConfigMap documents named impulse-notification-templates in a YAML file (other documents are not templates). */
function fromManifest(file: string): { data: Record<string, string>; source: string }[] {
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(file, "utf8"));
  } catch {
    return []; // not ours to report: lint reads the same files as resources
  }
  return (Array.isArray(docs) ? docs : [docs]).flatMap((d) => {
    if (d.errors.length) return [];
    let v: ConfigMapDoc;
    try {
      v = d.toJS({ maxAliasCount: 100 }) as ConfigMapDoc;
    } catch {
      return [];
    }
    if (v?.kind !== "ConfigMap" || v.metadata?.name !== MESSAGE_TEMPLATES_CONFIGMAP || !v.data) return [];
    const data = Object.fromEntries(Object.entries(v.data).filter((e): e is [string, string] => typeof e[1] === "string"));
    return [{ data, source: `ConfigMap ${MESSAGE_TEMPLATES_CONFIGMAP} in ${file}` }];
  });
}

/** A directory: `template.<name>` files (a mounted ConfigMap), and manifests in it and below. */
function fromPath(path: string): { data: Record<string, string>; source: string; file: string }[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return fromManifest(path).map((m) => ({ ...m, file: path }));
  const out: { data: Record<string, string>; source: string; file: string }[] = [];
  const mounted: Record<string, string> = {};
  for (const f of readdirSync(path).sort()) {
    const p = join(path, f);
    if (f.startsWith(TEMPLATE_KEY_PREFIX) && statSync(p).isFile()) mounted[f] = readFileSync(p, "utf8");
    else if (f.startsWith(".")) continue; // a mounted ConfigMap's ..data links
    else if (statSync(p).isDirectory()) out.push(...fromPath(p));
    else if ([".yaml", ".yml"].includes(extname(f))) out.push(...fromManifest(p).map((m) => ({ ...m, file: p })));
  }
  if (Object.keys(mounted).length) out.unshift({ data: mounted, source: `directory ${basename(path) || path}`, file: path });
  return out;
}

/** Every template under `paths`; later paths win a name clash. No template anywhere: no catalog. */
export function loadTemplates(paths: (string | undefined)[]): LoadedTemplates {
  const errors: LoadedTemplates["errors"] = [];
  const catalogs: MessageCatalog[] = [];
  for (const p of paths) {
    if (!p) continue;
    for (const found of fromPath(p)) {
      const r = parseCatalog(found.data, found.source);
      catalogs.push(r.catalog);
      errors.push(...r.errors.map((e) => ({ ...e, file: found.file })));
    }
  }
  return { catalog: mergeCatalogs(catalogs), errors };
}

/** For the runtimes: the catalog, or an error listing every problem in the templates (a runtime never starts with half of them). */
export function requireTemplates(paths: (string | undefined)[]): MessageCatalog | undefined {
  const r = loadTemplates(paths);
  if (r.errors.length) throw new Error("invalid message templates:\n" + r.errors.map((e) => `  ${e.file}: ${e.path}: ${e.message}`).join("\n"));
  return r.catalog;
}
