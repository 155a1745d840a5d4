// Shared spec types used by several resources: secret references, backoff, metadata, pod template.
import { z } from "zod";
import { durationToMs } from "./duration.js";

export const SecretKeySelector = z
  .strictObject({
    name: z.string().min(1).describe("Name of the Secret."),
    key: z.string().min(1).describe("Key inside the Secret."),
    optional: z.boolean().optional().describe("Accepted for Argo compatibility; Impulse always needs the key."),
  })
  .describe("A key of a Kubernetes Secret. Locally resolved from the secrets directory or IMPULSE_SECRET_<NAME>_<KEY>.");
export type SecretKeySelector = z.infer<typeof SecretKeySelector>;

/** An absolute http:// or https:// URL (trigger targets, service endpoints). */
export const HttpUrl = z.string().refine((u) => {
  try {
    const p = new URL(u).protocol;
    return p === "http:" || p === "https:";
  } catch {
    return false;
  }
}, "must be an absolute http:// or https:// URL");

/** Int64OrString: an integer is nanoseconds, a string is a Go duration. */
export const Duration = z
  .union([z.number().int(), z.string()])
  .refine((v) => durationToMs(v) !== undefined, { message: "must be a Go duration like \"2s\" or an integer number of nanoseconds" })
  .describe("Duration: a Go duration string (\"10s\", \"1m30s\") or an integer number of nanoseconds.");

/** Argo's Amount: a number, sometimes written as a string in YAML. */
export const Amount = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, "must be a number")]).transform(Number);

/** Longest first retry delay accepted: beyond a day a retry is a mistake (a unit typo), not a plan. */
const MAX_BACKOFF_MS = 24 * 3_600_000;

export const Backoff = z
  .strictObject({
    duration: Duration.optional()
      .refine((d) => d === undefined || (durationToMs(d) ?? 0) >= 0, "must not be negative")
      .refine((d) => d === undefined || (durationToMs(d) ?? 0) <= MAX_BACKOFF_MS, "must be at most 24h (nanoseconds are the unit of an integer)")
      .describe("First delay (default 1s): a Go duration such as 1s, or an integer number of nanoseconds; 0 to 24h."),
    factor: Amount.optional().refine((f) => f === undefined || (f >= 0 && f <= 100), "must be a number from 0 to 100").describe("Multiplier applied to the delay after each attempt, a number from 0 to 100 (default 1)."),
    jitter: Amount.optional().refine((j) => j === undefined || (j >= 0 && j <= 1), "must be a number from 0 to 1").describe("Random extra fraction of the delay, a number from 0 to 1 (default 1 in Argo; Impulse uses 0.1 when unset)."),
    steps: z.number().int().min(1, "must be at least 1: leave steps out for the default").max(1000).optional().describe("Total number of attempts, 1 to 1000 (default 5 when a retryStrategy is set)."),
  })
  .describe("Retry backoff.");
export type Backoff = z.infer<typeof Backoff>;

export const ObjectMetadata = z.looseObject({
  name: z.string().min(1).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a lowercase RFC 1123 name").describe("Resource name."),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Pod template overrides are passed through to the controller; validated there, not here. */
export const PodTemplate = z.record(z.string(), z.unknown()).describe("Pod template overrides (service account, resources, env, ...).");

export const LabelsAndAnnotations = z.strictObject({
  labels: z.record(z.string(), z.string()).optional().describe("Labels to add."),
  annotations: z.record(z.string(), z.string()).optional().describe("Annotations to add."),
});

export const API_VERSIONS = ["impulse.dev/v1alpha1", "argoproj.io/v1alpha1"] as const;

/** The envelope every resource shares: apiVersion, kind, metadata, spec, and a status the controller owns. */
export function resourceSchema<K extends string, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({
    apiVersion: z.string(),
    kind: z.literal(kind),
    metadata: ObjectMetadata,
    spec,
    status: z.unknown().optional(),
  });
}
