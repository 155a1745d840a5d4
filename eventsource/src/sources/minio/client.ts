// A MinIO/S3 client for a minio event: endpoint, TLS (insecure, caCertificate), region and the keys from Secrets.
import { Agent } from "node:https";
import { splitS3Endpoint, type S3ConnectionConfig } from "@impulse/api";
import type { Client } from "minio";
import type { SecretResolver } from "../../define.js";

export const DEFAULT_REGION = "us-east-1";

/** The `minio` package is loaded on first use, so EventSources without a minio event never load it. */
export async function minioClient(cfg: S3ConnectionConfig, secrets: SecretResolver): Promise<Client> {
  const { Client } = await import("minio");
  const insecure = cfg.insecure ?? false;
  const { host, port } = splitS3Endpoint(cfg.endpoint, insecure);
  const [accessKey, secretKey, ca] = await Promise.all([
    secrets(cfg.accessKey),
    secrets(cfg.secretKey),
    cfg.caCertificate ? secrets(cfg.caCertificate) : Promise.resolve(undefined),
  ]);
  return new Client({
    endPoint: host,
    port,
    useSSL: !insecure,
    // Keys are read from Secret files that often end in a newline.
    accessKey: accessKey.trim(),
    secretKey: secretKey.trim(),
    region: cfg.region ?? DEFAULT_REGION,
    // The source reconnects with its own backoff and reports on /health; the library would retry silently (and log to the console).
    retryOptions: { disableRetry: true },
    ...(ca && !insecure ? { transportAgent: new Agent({ ca, keepAlive: true }) } : {}),
  });
}
