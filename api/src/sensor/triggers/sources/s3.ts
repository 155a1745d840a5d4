// Schema of a k8s/argoWorkflow trigger's `source.s3`: an object in an S3 bucket holds the resource (Argo's S3Artifact).
import { z } from "zod";
import { s3Connection } from "../../../common/s3.js";

export const S3ArtifactSource = z
  .strictObject({
    ...s3Connection,
    bucket: z
      .strictObject({
        name: z.string().min(1, "bucket name can't be empty").describe("Bucket holding the object."),
        key: z.string().min(1, "needs the object's key").describe("Key of the object holding the resource as YAML or JSON."),
      })
      .describe("Where the object is."),
  })
  .describe("Reads the resource from an S3 object (MinIO, AWS S3 or any S3-compatible store) at each firing; at most 1 MiB.");
export type S3ArtifactSource = z.output<typeof S3ArtifactSource>;
