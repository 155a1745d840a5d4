// Schema of a k8s/argoWorkflow trigger's `source` (Argo's ArtifactLocation): one schema per kind, exactly one kind set.
import { z } from "zod";
import { FileSource } from "./file.js";
import { GitSource } from "./git.js";
import { UrlSource } from "./url.js";

export * from "./file.js";
export * from "./git.js";
export * from "./url.js";

/** The object as written; apiVersion and kind are needed up front (they pick the API endpoint), the rest may come from parameters. */
export const KubernetesObjectSpec = z
  .looseObject({
    apiVersion: z.string().min(1).describe("API group and version, e.g. v1 or batch/v1."),
    kind: z.string().min(1).describe("Kind, e.g. ConfigMap or Job (any kind the API server serves, CRDs included)."),
    metadata: z
      .looseObject({
        name: z.string().optional().describe("Object name (or generateName, or a parameter with dest metadata.name)."),
        generateName: z.string().optional().describe("Prefix of a name the API server completes (create only)."),
        namespace: z.string().optional().describe("Namespace of the object (default: the Sensor's)."),
        labels: z.record(z.string(), z.string()).optional().describe("Labels of the object."),
        annotations: z.record(z.string(), z.string()).optional().describe("Annotations of the object."),
      })
      .optional()
      .describe("Standard object metadata; other fields are kept as written."),
  })
  .describe("A Kubernetes object.");
export type KubernetesObjectSpec = z.output<typeof KubernetesObjectSpec>;

export const ConfigMapSource = z
  .strictObject({
    name: z.string().min(1).describe("ConfigMap in the Sensor's namespace."),
    key: z.string().min(1).describe("Key holding the object as YAML or JSON."),
    optional: z.boolean().optional().describe("Accepted for Argo compatibility; a missing ConfigMap or key fails the firing."),
  })
  .describe("Reads the object from a ConfigMap key at each firing.");

/** Every source kind Impulse reads; a new kind is one schema file and one entry here (and one reader in the sensor). */
export const sourceSchemas = {
  resource: KubernetesObjectSpec.describe("The object, inline in the Sensor."),
  inline: z.string().describe("The object as a YAML or JSON string."),
  configmap: ConfigMapSource,
  file: FileSource,
  url: UrlSource,
  git: GitSource,
} as const;
export type SourceKind = keyof typeof sourceSchemas;
export const SOURCE_KINDS = Object.keys(sourceSchemas) as SourceKind[];

/** Argo's kinds Impulse does not read yet: named as such rather than as unknown fields. */
const NOT_YET = { s3: "An S3 object" } as const;

export const K8sSource = z
  .strictObject({
    ...(Object.fromEntries(Object.entries(sourceSchemas).map(([k, s]) => [k, s.optional()])) as { [K in SourceKind]: z.ZodOptional<(typeof sourceSchemas)[K]> }),
    ...(Object.fromEntries(Object.entries(NOT_YET).map(([k, what]) => [k, z.unknown().optional().describe(`${what} (not supported yet).`)])) as {
      [K in keyof typeof NOT_YET]: z.ZodOptional<z.ZodUnknown>;
    }),
  })
  .superRefine((s, ctx) => {
    const notYet = (Object.keys(NOT_YET) as (keyof typeof NOT_YET)[]).filter((k) => s[k] !== undefined);
    for (const k of notYet) ctx.addIssue({ code: "custom", path: [k], message: `source.${k} is not supported yet; use one of ${SOURCE_KINDS.join(", ")}` });
    const set = SOURCE_KINDS.filter((k) => s[k] !== undefined);
    // An unsupported kind alone was named above; "needs one of" would only repeat it.
    if (set.length !== 1 && !(set.length === 0 && notYet.length)) ctx.addIssue({ code: "custom", message: set.length ? `sets ${set.join(" and ")}; set exactly one` : `needs one of ${SOURCE_KINDS.join(", ")}` });
  })
  .describe("Where the object comes from (Argo's ArtifactLocation).");
export type K8sSource = z.output<typeof K8sSource>;
