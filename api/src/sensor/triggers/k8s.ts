// Schema of `template.k8s` (create/update/patch/delete any Kubernetes object) and of `policy.k8s`, with Argo's fields.
import { z } from "zod";
import { Backoff } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";
import { S3ArtifactSource } from "./source-s3.js";

export const K8S_OPERATIONS = ["create", "update", "patch", "delete"] as const;
export type K8sOperation = (typeof K8S_OPERATIONS)[number];

/** Argo's patch strategies are Content-Types; the short names are an Impulse convenience. */
export const K8S_PATCH_STRATEGIES = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
} as const;
export type K8sPatchStrategy = (typeof K8S_PATCH_STRATEGIES)[keyof typeof K8S_PATCH_STRATEGIES];
const PATCH_TYPES = Object.values(K8S_PATCH_STRATEGIES);
const PATCH_NAMES = Object.keys(K8S_PATCH_STRATEGIES) as (keyof typeof K8S_PATCH_STRATEGIES)[];

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

const notYet = (what: string) => z.unknown().optional().describe(`${what} (not supported yet: use resource, inline or configmap).`);

export const K8sSource = z
  .strictObject({
    resource: KubernetesObjectSpec.optional().describe("The object, inline in the Sensor."),
    inline: z.string().optional().describe("The object as a YAML or JSON string."),
    configmap: z
      .strictObject({
        name: z.string().min(1).describe("ConfigMap in the Sensor's namespace."),
        key: z.string().min(1).describe("Key holding the object as YAML or JSON."),
        optional: z.boolean().optional().describe("Accepted for Argo compatibility; a missing ConfigMap or key fails the firing."),
      })
      .optional()
      .describe("Reads the object from a ConfigMap key at each firing."),
    file: notYet("A file in the sensor's container"),
    url: notYet("An HTTP URL"),
    git: notYet("A file in a git repository"),
    s3: S3ArtifactSource.optional(),
  })
  .superRefine((s, ctx) => {
    for (const k of ["file", "url", "git"] as const)
      if (s[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: `source.${k} is not supported yet; use source.resource, source.inline or source.configmap` });
    const set = (["resource", "inline", "configmap", "s3"] as const).filter((k) => s[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: "custom", message: set.length ? `sets ${set.join(" and ")}; set exactly one` : "needs one of resource, inline, configmap, s3" });
  })
  .describe("Where the object comes from (Argo's ArtifactLocation).");

export const JsonPatchOperation = z
  .strictObject({
    op: z.enum(["add", "remove", "replace", "move", "copy", "test"]).describe("RFC 6902 operation."),
    path: z.string().describe("JSON Pointer, e.g. /metadata/labels/stage."),
    value: z.unknown().optional().describe("Value for add, replace and test (any JSON)."),
    from: z.string().optional().describe("Source JSON Pointer for move and copy."),
  })
  .describe("One JSON patch (RFC 6902) operation.");

export const K8sTriggerTemplate = z
  .strictObject({
    source: K8sSource,
    operation: z.enum(K8S_OPERATIONS).optional().describe("create (default), update, patch or delete."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to the object (dest is a path into it, e.g. metadata.name or data.key)."),
    patchStrategy: z
      .enum([...PATCH_TYPES, ...PATCH_NAMES])
      .transform((s): K8sPatchStrategy => (s in K8S_PATCH_STRATEGIES ? K8S_PATCH_STRATEGIES[s as keyof typeof K8S_PATCH_STRATEGIES] : (s as K8sPatchStrategy)))
      .optional()
      .describe("For operation patch: application/merge-patch+json (default), application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (server-side apply); or merge, strategic, json, apply."),
    jsonPatch: z
      .array(JsonPatchOperation)
      .min(1)
      .optional()
      .describe("Impulse: the operations of a JSON patch (patchStrategy json); the source object only names the target."),
    liveObject: z.boolean().optional().describe("For operation update: start from the live object (read by name) instead of the source, then apply parameters."),
  })
  .superRefine((t, ctx) => {
    const json = t.patchStrategy === K8S_PATCH_STRATEGIES.json;
    if (json && t.operation !== "patch") ctx.addIssue({ code: "custom", path: ["patchStrategy"], message: "a JSON patch needs operation: patch" });
    if (json && !t.jsonPatch) ctx.addIssue({ code: "custom", path: ["jsonPatch"], message: "patchStrategy json needs jsonPatch (the list of operations)" });
    if (t.jsonPatch && !json) ctx.addIssue({ code: "custom", path: ["jsonPatch"], message: "jsonPatch needs patchStrategy: application/json-patch+json" });
    if (t.patchStrategy && t.operation !== "patch") ctx.addIssue({ code: "custom", path: ["patchStrategy"], message: "patchStrategy needs operation: patch" });
    if (t.liveObject && t.operation !== "update") ctx.addIssue({ code: "custom", path: ["liveObject"], message: "liveObject needs operation: update" });
  })
  .describe("Creates, updates, patches or deletes a Kubernetes object.");
export type K8sTriggerTemplate = z.output<typeof K8sTriggerTemplate>;

export const K8sTriggerPolicy = z
  .strictObject({
    labels: z.record(z.string(), z.string()).describe("Labels the object must carry for the firing to count as done."),
    backoff: Backoff.optional().describe("How long to poll for the labels (default 5 checks, 1 s apart)."),
    errorOnBackoffTimeout: z.boolean().optional().describe("Fail the firing when the labels did not appear in time (default false: log and succeed)."),
  })
  .describe("Waits until the created or changed object carries the given labels.");
export type K8sTriggerPolicy = z.output<typeof K8sTriggerPolicy>;
