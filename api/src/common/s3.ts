// Argo's S3Artifact connection fields (endpoint, bucket, region, insecure, keys, CA), shared by the minio EventSource and the s3 trigger source.
import { z } from "zod";
import { SecretKeySelector } from "./types.js";

/** host or host:port, as Argo hands it to its MinIO client (which refuses a scheme or a path). */
export const S3Endpoint = z
  .string()
  .min(1)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+)(:\d{1,5})?$/, "must be host or host:port, without a scheme or path (insecure: true selects plain HTTP)")
  .describe("S3 service address, host or host:port (e.g. minio.argo-events:9000); HTTPS unless insecure is true.");

export const s3Connection = {
  endpoint: S3Endpoint,
  region: z.string().min(1).optional().describe("Region the requests are signed for (default us-east-1)."),
  insecure: z.boolean().optional().describe("Plain HTTP instead of HTTPS."),
  accessKey: SecretKeySelector.describe("Secret key holding the access key."),
  secretKey: SecretKeySelector.describe("Secret key holding the secret key."),
  caCertificate: SecretKeySelector.optional().describe("Secret key holding a PEM CA certificate to trust for HTTPS (a private CA)."),
};

/** The fields every S3 client of Impulse reads, whatever else its schema holds. */
export interface S3ConnectionConfig {
  endpoint: string;
  region?: string | undefined;
  insecure?: boolean | undefined;
  accessKey: SecretKeySelector;
  secretKey: SecretKeySelector;
  caCertificate?: SecretKeySelector | undefined;
}

/** `host:port` → its parts; the port defaults to the scheme's (443, or 80 with insecure). */
export function splitS3Endpoint(endpoint: string, insecure: boolean): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(endpoint);
  const host = (m?.[1] ?? endpoint).replace(/^\[(.*)\]$/, "$1");
  return { host, port: m?.[2] ? Number(m[2]) : insecure ? 80 : 443 };
}
