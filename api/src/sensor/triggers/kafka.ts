// Schema of `template.kafka`: produce one record per firing, with Argo's fields (KafkaTrigger).
import { z } from "zod";
import { SASLConfig, TLSConfig } from "../../common/security.js";
import { SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

export const KafkaTriggerTemplate = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine((u) => u.split(",").every((b) => /^[^\s:/,]+:\d{1,5}$/.test(b.trim())), "must be host:port, or several separated by commas")
      .describe("Comma-separated brokers (host:port)."),
    topic: z.string().min(1).describe("Topic to write to."),
    partition: z.number().int().min(0).optional().describe("Write to this partition (deprecated in Argo, honoured here); default: by key."),
    partitioningKey: z.string().optional().describe("Record key; records with the same key go to the same partition."),
    payload: z.array(TriggerParameter).optional().describe("Builds the JSON record value from event values (required by Argo; without it the value is {})."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this kafka template (e.g. dest: partitioningKey)."),
    requiredAcks: z
      .number()
      .int()
      .refine((n) => n === -1 || n === 0 || n === 1, "must be -1 (all in-sync replicas), 1 (leader) or 0 (same as -1, as in Argo)")
      .optional()
      .describe("Acknowledgements to wait for: -1 all in-sync replicas (default, also for 0), 1 the leader only."),
    compress: z.boolean().optional().describe("Compress records (gzip in Impulse; Argo uses snappy)."),
    flushFrequency: z.number().int().min(0).optional().describe("Milliseconds to collect concurrent firings into one produce request (default 0: send at once)."),
    headers: z.record(z.string(), z.string()).optional().describe("Static record headers."),
    secureHeaders: z
      .array(z.strictObject({ name: z.string(), valueFrom: z.strictObject({ secretKeyRef: SecretKeySelector.optional(), configMapKeyRef: SecretKeySelector.optional() }) }))
      .optional()
      .describe("Record headers whose values come from Secrets."),
    tls: TLSConfig.optional(),
    sasl: SASLConfig.optional(),
    version: z.string().optional().describe("Kafka protocol version (accepted; the client negotiates versions with the broker)."),
    schemaRegistry: z
      .unknown()
      .refine(() => false, "schemaRegistry is not supported yet; records are written as JSON")
      .optional()
      .describe("Avro schema registry (not yet supported)."),
  })
  .describe("Writes a record to a Kafka topic; the firing succeeds only when the broker acknowledged it.");
export type KafkaTriggerTemplate = z.output<typeof KafkaTriggerTemplate>;
