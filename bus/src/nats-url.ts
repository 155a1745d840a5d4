// Splits credentials out of a NATS URL list (nats://user:pw@host, nats://token@host): used as auth, never logged.
import { ErrorCodes, ImpulseError, redactUrl } from "@impulse/api";

export { redactUrl };

export interface NatsUrlParts {
  /** Server URLs without credentials, as the client takes them. */
  servers: string[];
  user?: string;
  password?: string;
  token?: string;
}

function invalid(message: string): ImpulseError {
  return new ImpulseError(ErrorCodes.InvalidSpec, message);
}

/**
 * `nats://user:pw@host:4222` gives user and password, `nats://token@host:4222` a token (the NATS CLI's forms).
 * Several comma-separated URLs must carry the same credentials or none.
 */
export function parseNatsUrl(url: string): NatsUrlParts {
  const servers: string[] = [];
  let creds: { user?: string; password?: string; token?: string } | undefined;
  let credsKey: string | undefined;
  for (const raw of url.split(",").map((s) => s.trim()).filter(Boolean)) {
    const at = raw.lastIndexOf("@");
    if (at < 0) {
      servers.push(raw);
      continue;
    }
    const scheme = raw.match(/^[a-z][a-z0-9+.-]*:\/\//i)?.[0] ?? "";
    const userInfo = raw.slice(scheme.length, at);
    const server = scheme + raw.slice(at + 1);
    let user: string;
    let password: string | undefined;
    try {
      const colon = userInfo.indexOf(":");
      user = decodeURIComponent(colon < 0 ? userInfo : userInfo.slice(0, colon));
      password = colon < 0 ? undefined : decodeURIComponent(userInfo.slice(colon + 1));
    } catch {
      throw invalid(`NATS URL ${redactUrl(raw)}: the credentials are not valid percent-encoding`);
    }
    if (!user) throw invalid(`NATS URL ${redactUrl(raw)}: empty user name before '@'`);
    const these = password === undefined ? { token: user } : { user, password };
    const key = JSON.stringify(these);
    if (credsKey !== undefined && credsKey !== key) throw invalid("the NATS URLs carry different credentials: give the same credentials in every URL, or none");
    creds = these;
    credsKey = key;
    servers.push(server);
  }
  if (servers.length === 0) throw invalid("no NATS server URL given");
  return { servers, ...creds };
}
