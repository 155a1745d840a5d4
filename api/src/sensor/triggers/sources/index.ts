// Schema of a k8s/argoWorkflow trigger's `source` (Argo's ArtifactLocation): one schema per kind, exactly one kind set.
import { z } from "zod";
import { FileSource } from "./file.js";
import { GitSource } from "./git.js";
import { S3ArtifactSource } from "./s3.js";
import { UrlSource } from "./url.js";

export * from "./file.js";
export * from "./git.js";
export * from "./s3.js";
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
  s3: S3ArtifactSource,
} as const;
export type SourceKind = keyof typeof sourceSchemas;
export const SOURCE_KINDS = Object.keys(sourceSchemas) as SourceKind[];

export const K8sSource = z
  .strictObject({
    ...(Object.fromEntries(Object.entries(sourceSchemas).map(([k, s]) => [k, s.optional()])) as { [K in SourceKind]: z.ZodOptional<(typeof sourceSchemas)[K]> }),
  })
  .superRefine((s, ctx) => {
    const set = SOURCE_KINDS.filter((k) => s[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: "custom", message: set.length ? `sets ${set.join(" and ")}; set exactly one` : `needs one of ${SOURCE_KINDS.join(", ")}` });
  })
  .describe("Where the object comes from (Argo's ArtifactLocation).");
export type K8sSource = z.output<typeof K8sSource>;
