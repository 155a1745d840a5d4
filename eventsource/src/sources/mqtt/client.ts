// Builds the mqtt.js client options of one mqtt event: URL, client id, persistent session, auth and TLS from Secrets.
import { resolveSecurity, type MQTTConfig } from "@impulse/api";
import type { IClientOptions } from "mqtt";
import type { SecretResolver } from "../../define.js";

/** paho's schemes (tcp://, ssl://) as mqtt.js names them; mqtt.js takes tcp/ssl too, but tls:// and mqtts:// read alike. */
export function brokerUrl(url: string): string {
  return url.replace(/^tcp:\/\//, "mqtt://").replace(/^(ssl|tls):\/\//, "mqtts://");
}

export async function clientOptions(cfg: MQTTConfig, secrets: SecretResolver): Promise<IClientOptions> {
  const opts: IClientOptions = {
    clientId: cfg.clientId,
    // MQTT 3.1.1, as Argo's paho client.
    protocolVersion: 4,
    // A persistent session: the broker keeps the subscription and every QoS 1 message not yet PUBACKed while the
    // source is away (restart, crash, network loss) and sends them again when it comes back.
    clean: false,
    keepalive: 10,
    connectTimeout: 5000,
    // The source re-subscribes itself and decides the delay (connectionBackoff) after every failed attempt.
    resubscribe: true,
    reconnectOnConnackError: true,
  };
  if (cfg.auth) {
    opts.username = (await secrets(cfg.auth.username!)).trim();
    opts.password = (await secrets(cfg.auth.password!)).trim();
  }
  if (cfg.tls) {
    const { ssl } = await resolveSecurity(cfg.tls, undefined, secrets);
    if (ssl && ssl !== true) Object.assign(opts, ssl);
  }
  return opts;
}
