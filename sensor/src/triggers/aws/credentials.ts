// AWS credentials for triggers: static keys from Secrets, or an STS-assumed role cached until shortly before it expires.
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

/** STS RoleSessionName: [\w+=,.@-], 2-64 characters; names the sensor and trigger so CloudTrail shows who invoked. */
export function roleSessionName(sensor: string, trigger: string): string {
  const name = `impulse-${sensor}-${trigger}`.replace(/[^\w+=,.@-]/g, "-");
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
