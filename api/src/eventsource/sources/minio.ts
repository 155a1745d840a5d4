// Schema of one `spec.minio.<eventName>` entry, with Argo Events' field names (its S3Artifact).
import { z } from "zod";
import { s3Connection } from "../../common/s3.js";
import { FilterExpression } from "./filter.js";

/** The event names MinIO's ListenBucketNotification accepts (its internal/event/name.go); anything else it answers 400. */
export const MINIO_EVENT_NAMES = [
  "s3:BucketCreated:*", "s3:BucketRemoved:*",
  "s3:ObjectAccessed:*", "s3:ObjectAccessed:Get", "s3:ObjectAccessed:GetRetention", "s3:ObjectAccessed:GetLegalHold", "s3:ObjectAccessed:Head", "s3:ObjectAccessed:Attributes",
  "s3:ObjectCreated:*", "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:Copy", "s3:ObjectCreated:Post", "s3:ObjectCreated:Put",
  "s3:ObjectCreated:PutTagging", "s3:ObjectCreated:DeleteTagging", "s3:ObjectCreated:PutRetention", "s3:ObjectCreated:PutLegalHold",
  "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRemoved:NoOP", "s3:ObjectRemoved:DeleteAllVersions",
  "s3:LifecycleDelMarkerExpiration:Delete",
  "s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationCompletedReplication", "s3:Replication:OperationNotTracked",
  "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
  "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
  "s3:ObjectTransition:*", "s3:ObjectTransition:Failed", "s3:ObjectTransition:Complete",
  "s3:Scanner:ManyVersions", "s3:Scanner:LargeVersions", "s3:Scanner:BigPrefix",
] as const;
const known = new Set<string>(MINIO_EVENT_NAMES);

export const MinioConfig = z
  .strictObject({
    ...s3Connection,
    bucket: z
      .strictObject({
        name: z.string().min(1, "bucket name can't be empty").describe("Bucket whose notifications are read."),
        key: z.string().optional().describe("Accepted for Argo compatibility (its S3Artifact has it); not used by the minio source."),
      })
      .describe("The bucket to listen on."),
    events: z
      .array(
        z.string().superRefine((e, ctx) => {
          if (!known.has(e)) ctx.addIssue({ code: "custom", message: `unknown MinIO event ${JSON.stringify(e)}; e.g. s3:ObjectCreated:Put, s3:ObjectCreated:*, s3:ObjectRemoved:Delete` });
        }),
      )
      .optional()
      .describe("MinIO event names to listen for, e.g. s3:ObjectCreated:Put, s3:ObjectRemoved:* (default: s3:ObjectCreated:* and s3:ObjectRemoved:*)."),
    filter: z
      .strictObject({
        prefix: z.string().optional().describe("Only objects whose key starts with this."),
        suffix: z.string().optional().describe("Only objects whose key ends with this."),
        expression: FilterExpression.optional().describe("Impulse: boolean expression over the event's data (as other sources' filter.expression); false drops the event."),
      })
      .optional()
      .describe("Object key filters applied by MinIO, and an optional expression applied before the event is stored."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
  })
  .describe(
    "MinIO bucket notifications (ListenBucketNotification) become events, one per record. At-most-once: the listen API has no acknowledgement or replay, so notifications sent while the source is down or reconnecting are lost.",
  );
export type MinioConfig = z.output<typeof MinioConfig>;
