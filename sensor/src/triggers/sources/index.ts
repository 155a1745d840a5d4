// Loads a k8s/argoWorkflow trigger's source object: the reader registry (one module per kind) and the parse into an object.
import { ErrorCodes, ImpulseError, SOURCE_KINDS, type K8sSource, type SourceKind } from "@impulse/api";
import { asKubeObject, parseObject } from "../k8s/object.js";
import type { KubeObject } from "../k8s/client.js";
import { configmap } from "./configmap.js";
import type { SourceCall, SourceContext, SourceDefinition, SourceReader } from "./define.js";
import { file } from "./file.js";
import { gitSource } from "./git/index.js";
import { inline, resource } from "./resource.js";
import { s3 } from "./s3.js";
import { url } from "./url.js";

export type { SourceCall, SourceContext } from "./define.js";

/** Every kind the schema accepts has a reader here; a new kind is one module and one entry. */
const definitions: { [K in SourceKind]: SourceDefinition<K> } = { resource, inline, configmap, file, url, git: gitSource, s3 };

export interface SourceLoader {
  load(source: K8sSource, call: SourceCall, signal: AbortSignal): Promise<KubeObject>;
}

/** One loader per trigger: readers are created when first used, so a trigger pays only for the kind it has. */
export function createSourceLoader(ctx: SourceContext): SourceLoader {
  const readers = new Map<SourceKind, SourceReader<unknown>>();
  return {
    async load(source, call, signal) {
      const kind = SOURCE_KINDS.find((k) => source[k] !== undefined);
      if (!kind) throw new ImpulseError(ErrorCodes.InvalidSpec, `${ctx.at}: needs one of ${SOURCE_KINDS.join(", ")}`);
      let reader = readers.get(kind);
      if (!reader) readers.set(kind, (reader = (definitions[kind] as SourceDefinition<SourceKind>).create(ctx) as SourceReader<unknown>));
      const loaded = await reader.read(source[kind], call, signal);
      return "object" in loaded ? asKubeObject(loaded.object, loaded.where) : parseObject(loaded.text, loaded.where);
    },
  };
}
