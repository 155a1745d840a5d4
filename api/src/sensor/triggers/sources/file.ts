// Schema of `source.file` (Argo's FileArtifact): the object read from a file mounted in the sensor's container.
import { z } from "zod";

export const FileSource = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .refine((p) => p.startsWith("/"), "must be an absolute path (a file mounted in the sensor's container)")
      .describe("Absolute path of a file in the sensor's container, e.g. a ConfigMap mounted with volumes/volumeMounts in spec.template."),
  })
  .describe("Reads the object from a file at each firing (a mounted ConfigMap's updates are seen).");
export type FileSource = z.output<typeof FileSource>;
