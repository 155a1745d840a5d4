// Builds the SQS client of one event: static keys (and session token) from Secrets or the SDK's chain, then roleARN via STS.
import type { SQSClient } from "@aws-sdk/client-sqs";
import { awsClientCredentials, roleSessionName, type AwsCredentials, type SQSConfig } from "@impulse/api";
import type { SecretResolver } from "../../define.js";

/** Argo's long-poll wait when waitTimeSeconds is 0 or unset. */
export const DEFAULT_WAIT_SECONDS = 3;

export interface OwnedClient {
  client: SQSClient;
  /** Destroys the SQS client and the STS client it may own. */
  destroy(): void;
}

export async function newSqsClient(cfg: SQSConfig, secrets: SecretResolver, eventSourceName: string, eventName: string): Promise<OwnedClient> {
  let base: AwsCredentials | undefined;
  if (cfg.accessKey && cfg.secretKey) {
    base = {
      accessKeyId: await secrets(cfg.accessKey),
      secretAccessKey: await secrets(cfg.secretKey),
      ...(cfg.sessionToken ? { sessionToken: await secrets(cfg.sessionToken) } : {}),
    };
  }
  // The reader's loop retries with backoff and reports on /health: one attempt per call keeps outages visible.
  const common = { region: cfg.region, maxAttempts: 1, ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}) };
  // A connection that hangs (not refused) must still end the long poll, so an outage reaches /health.
  const waitSeconds = cfg.waitTimeSeconds || DEFAULT_WAIT_SECONDS;
  const requestHandler = { connectionTimeout: 10_000, requestTimeout: (waitSeconds + 20) * 1000 };
  const owned: { destroy(): void }[] = [];
  const credentials = await awsClientCredentials({
    ...(base ? { base } : {}),
    ...(cfg.roleARN ? { roleArn: cfg.roleARN } : {}),
    sessionName: roleSessionName(eventSourceName, eventName),
    clientConfig: common,
    own: (c) => owned.push(c),
  });
  // Loaded by the first sqs event, not at start: commands that never read SQS (lint, --help) stay fast.
  const { SQSClient } = await import("@aws-sdk/client-sqs");
  const client = new SQSClient({ ...common, requestHandler, ...(credentials ? { credentials } : {}) });
  owned.push(client);
  return { client, destroy: () => owned.forEach((c) => c.destroy()) };
}
