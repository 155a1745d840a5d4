// AWS credentials shared by the AWS triggers and sources: static keys from Secrets, or an STS-assumed role cached until
// shortly before it expires. The STS SDK is loaded only when a roleARN is used.
import type { STSClient } from "@aws-sdk/client-sts";

/** The shape the AWS SDK accepts as credentials (structurally its AwsCredentialIdentity). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type AwsCredentialProvider = () => Promise<AwsCredentials>;

/** Refresh this long before expiry: a request signed just before expiry can still arrive after it. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Wraps a provider so temporary credentials are fetched once and reused until `marginMs` before they expire.
 * Concurrent callers share one fetch (a burst of firings makes one AssumeRole call); a failed fetch is not kept.
 */
export function cachedUntilNearExpiry(
  fetch: AwsCredentialProvider,
  opts: { marginMs?: number; now?: () => number } = {},
): AwsCredentialProvider {
  const margin = opts.marginMs ?? REFRESH_MARGIN_MS;
  const now = opts.now ?? Date.now;
  let current: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  const fresh = (c: AwsCredentials) => !c.expiration || c.expiration.getTime() - margin > now();
  return () => {
    if (current && fresh(current)) return Promise.resolve(current);
    pending ??= fetch().then(
      (c) => {
        current = c;
        pending = undefined;
        return c;
      },
      (e: unknown) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
}

/** STS RoleSessionName: [\w+=,.@-], 2-64 characters; names the resource and its trigger/event so CloudTrail shows who called. */
export function roleSessionName(owner: string, part: string): string {
  const name = `impulse-${owner}-${part}`.replace(/[^\w+=,.@-]/g, "-");
  return name.length > 64 ? name.slice(0, 64) : name;
}

/** Credentials of `roleArn`, assumed through `sts` (itself configured with the base credentials). */
export function assumeRole(sts: STSClient, roleArn: string, sessionName: string): AwsCredentialProvider {
  return cachedUntilNearExpiry(async () => {
    const { AssumeRoleCommand } = await import("@aws-sdk/client-sts");
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS AssumeRole ${roleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  });
}

/** Where a client's credentials come from: static keys (already read from Secrets), then optionally a role to assume. */
export interface AwsCredentialSource {
  /** Static keys; without them the SDK's default chain (environment, pod identity) is used. */
  base?: AwsCredentials;
  roleArn?: string;
  sessionName: string;
  /** region/endpoint/maxAttempts for the STS client, as for the service client. */
  clientConfig: { region?: string; endpoint?: string; maxAttempts?: number };
  /** Receives the STS client so its owner destroys it with its own clients. */
  own?: (c: { destroy(): void }) => void;
}

/** The `credentials` to give an SDK client: the static keys, an assumed role (cached) or undefined (the default chain). */
export async function awsClientCredentials(s: AwsCredentialSource): Promise<AwsCredentials | AwsCredentialProvider | undefined> {
  if (!s.roleArn) return s.base;
  const { STSClient } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({ ...s.clientConfig, ...(s.base ? { credentials: s.base } : {}) });
  s.own?.(sts);
  return assumeRole(sts, s.roleArn, s.sessionName);
}
