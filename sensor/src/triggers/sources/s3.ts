// A k8s/argoWorkflow trigger's `source.s3`: reads the resource's YAML or JSON from an S3 object (MinIO, AWS S3...) at each firing.
import { Agent } from "node:https";
import { ErrorCodes, ImpulseError, splitS3Endpoint, type S3ArtifactSource } from "@impulse/api";
import type { SecretResolver } from "../define.js";
import { defineSource } from "./define.js";

/** Larger objects are refused: a resource manifest is small, and the whole text is held in memory and parsed. */
export const MAX_S3_SOURCE_BYTES = 1024 * 1024;

/** S3 error codes that the same request would get again: wrong keys or no permission. Anything else may pass later. */
const PERMANENT = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled", "InvalidBucketName"]);

/**
 * Returns the object's text. `configured` is the source as written in the Sensor: a parameter may change the bucket or
 * key, but not the endpoint (or its scheme), as the Secret's keys are only for the configured server.
 */
async function readS3Source(s3: S3ArtifactSource, secrets: SecretResolver, configured?: S3ArtifactSource): Promise<string> {
  const where = `source.s3 ${s3.bucket.name}/${s3.bucket.key}`;
  if (configured && (configured.endpoint !== s3.endpoint || (configured.insecure ?? false) !== (s3.insecure ?? false)))
    throw new ImpulseError(ErrorCodes.ParameterFailed, "source.s3.endpoint was changed by a parameter: the access keys are used only with the configured endpoint");
  const { Client } = await import("minio");
  const insecure = s3.insecure ?? false;
  const { host, port } = splitS3Endpoint(s3.endpoint, insecure);
  const [accessKey, secretKey, ca] = await Promise.all([secrets(s3.accessKey), secrets(s3.secretKey), s3.caCertificate ? secrets(s3.caCertificate) : undefined]);
  const client = new Client({
    endPoint: host,
    port,
    useSSL: !insecure,
    accessKey: accessKey.trim(),
    secretKey: secretKey.trim(),
    region: s3.region ?? "us-east-1",
    // The trigger's retryStrategy retries a failed firing; the library would retry on its own and log to the console.
    retryOptions: { disableRetry: true },
    ...(ca && !insecure ? { transportAgent: new Agent({ ca }) } : {}),
  });
  try {
    const stream = await client.getObject(s3.bucket.name, s3.bucket.key);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_S3_SOURCE_BYTES) {
        stream.destroy();
        throw new ImpulseError(ErrorCodes.InvalidSpec, `${where}: the object is larger than ${MAX_S3_SOURCE_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (e) {
    if (e instanceof ImpulseError) throw e;
    const code = (e as { code?: string }).code ?? "";
    throw new ImpulseError(ErrorCodes.TriggerFailed, `${where} at ${s3.endpoint}: ${code ? `${code}: ` : ""}${(e as Error).message}`, { retryable: !PERMANENT.has(code), cause: e });
  }
}

export const s3 = defineSource({
  kind: "s3",
  create(ctx) {
    return {
      async read(config) {
        const text = await readS3Source(config, ctx.secrets, ctx.configured?.s3);
        return { text, where: `${ctx.at}.s3 ${config.bucket.name}/${config.bucket.key}` };
      },
    };
  },
});
