// Connection options of a nats event: servers, auth (basic, token, nkey, credentials file) and TLS, read from Secrets.
import { resolveSecurity, type NATSConfig } from "@impulse/api";
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";
import type { SecretResolver } from "../../define.js";

export async function natsConnectionOptions(cfg: NATSConfig, secrets: SecretResolver): Promise<ConnectionOptions> {
  const opts: ConnectionOptions = { servers: cfg.url.split(",").map((s) => s.trim()).filter(Boolean) };
  const a = cfg.auth;
  if (a?.basic) {
    opts.user = (await secrets(a.basic.username)).trim();
    opts.pass = (await secrets(a.basic.password)).trim();
  } else if (a?.token) {
    opts.token = (await secrets(a.token)).trim();
  } else if (a?.nkey) {
    opts.authenticator = nkeyAuthenticator(new TextEncoder().encode((await secrets(a.nkey)).trim()));
  } else if (a?.credential) {
    opts.authenticator = credsAuthenticator(new TextEncoder().encode(await secrets(a.credential)));
  }
  if (cfg.tls) {
    const { ssl } = await resolveSecurity(cfg.tls, undefined, secrets);
    // nats.js hands these to Node's tls.connect; an empty object still means "use TLS" (system CAs).
    opts.tls = ssl === true || !ssl ? {} : ({ ...ssl } as ConnectionOptions["tls"]);
  }
  return opts;
}
