// Resolves an amqp event's connection settings: URL (or urlSecret), SASL PLAIN credentials and TLS from Secrets.
import { resolveSecurity, type AMQPConfig } from "@impulse/api";
import { credentials, type SocketOptions } from "amqplib";
import type { SecretResolver } from "../../define.js";

export interface AmqpTarget {
  url: string;
  socketOptions: SocketOptions;
  /** The URL without credentials, for logs. */
  display: string;
}

/** amqp://user:pass@host/vhost → amqp://host/vhost: a URL in a Secret carries credentials that must never be logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "(unparsable amqp URL)";
  }
}

export async function resolveTarget(cfg: AMQPConfig, secrets: SecretResolver, connectionName: string): Promise<AmqpTarget> {
  const url = cfg.urlSecret ? (await secrets(cfg.urlSecret)).trim() : cfg.url!;
  // Argo's heartbeat (10s): a broker that hangs without closing the socket is noticed within about 20s.
  const socketOptions: SocketOptions & { heartbeat?: number } = { clientProperties: { connection_name: connectionName }, timeout: 5000 };
  if (cfg.auth) {
    const user = (await secrets(cfg.auth.username!)).trim();
    const pass = (await secrets(cfg.auth.password!)).trim();
    socketOptions.credentials = credentials.plain(user, pass);
  }
  if (cfg.tls) {
    const { ssl } = await resolveSecurity(cfg.tls, undefined, secrets);
    // As in Argo's client, TLS settings apply to amqps:// URLs (an amqp:// URL stays plain).
    if (ssl && ssl !== true) Object.assign(socketOptions, ssl);
  }
  const withHeartbeat = new URL(url);
  if (!withHeartbeat.searchParams.has("heartbeat")) withHeartbeat.searchParams.set("heartbeat", "10");
  return { url: withHeartbeat.toString(), socketOptions, display: redactUrl(url) };
}
