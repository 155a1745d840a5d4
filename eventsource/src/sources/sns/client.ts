// Builds the SNS client of one event: static keys from Secrets or the SDK's chain, then roleARN via STS (as the sqs source).
import type { SNSClient } from "@aws-sdk/client-sns";
import { awsClientCredentials, roleSessionName, type AwsCredentials, type SNSConfig } from "@impulse/api";
import type { SecretResolver } from "../../define.js";

export interface OwnedSnsClient {
  client: SNSClient;
  /** Destroys the SNS client and the STS client it may own. */
  destroy(): void;
}

export async function newSnsClient(cfg: SNSConfig, secrets: SecretResolver, eventSourceName: string, eventName: string): Promise<OwnedSnsClient> {
  const base: AwsCredentials | undefined =
    cfg.accessKey && cfg.secretKey ? { accessKeyId: await secrets(cfg.accessKey), secretAccessKey: await secrets(cfg.secretKey) } : undefined;
  // The subscription loop retries with backoff and reports on /health: one attempt per call keeps outages visible.
  const common = { region: cfg.region, maxAttempts: 1, ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}) };
  const owned: { destroy(): void }[] = [];
  const credentials = await awsClientCredentials({
    ...(base ? { base } : {}),
    ...(cfg.roleARN ? { roleArn: cfg.roleARN } : {}),
    sessionName: roleSessionName(eventSourceName, eventName),
    clientConfig: common,
    own: (c) => owned.push(c),
  });
  // Loaded by the first sns event, not at start: commands that never call SNS (lint, --help) stay fast.
  const { SNSClient } = await import("@aws-sdk/client-sns");
  const client = new SNSClient({ ...common, requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000 }, ...(credentials ? { credentials } : {}) });
  owned.push(client);
  return { client, destroy: () => owned.forEach((c) => c.destroy()) };
}
