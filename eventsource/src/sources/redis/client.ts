// ioredis options of a redis or redisStream event: address, db, ACL user/password from a Secret, TLS, reconnect backoff.
import { resolveSecurity, type RedisConfig } from "@impulse/api";
import type { RedisOptions } from "ioredis";
import type { SecretResolver } from "../../define.js";
import { reconnectDelayMs } from "../shared/backoff.js";

type Connection = Pick<RedisConfig, "hostAddress" | "db" | "username" | "password" | "tls">;

export async function redisOptions(cfg: Connection, secrets: SecretResolver): Promise<RedisOptions> {
  const colon = cfg.hostAddress.lastIndexOf(":");
  const opts: RedisOptions = {
    host: cfg.hostAddress.slice(0, colon),
    port: Number(cfg.hostAddress.slice(colon + 1)),
    db: cfg.db ?? 0,
    lazyConnect: true,
    // Reconnect for as long as the source runs, with the default backoff; the source reports the outage on /health.
    retryStrategy: (times) => reconnectDelayMs(undefined, times - 1),
    // Commands fail at once while disconnected instead of queueing: the source retries them itself, with backoff.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5000,
  };
  if (cfg.username) opts.username = cfg.username;
  if (cfg.password) opts.password = (await secrets(cfg.password)).trim();
  if (cfg.tls) {
    const { ssl } = await resolveSecurity(cfg.tls, undefined, secrets);
    opts.tls = ssl === true || !ssl ? {} : { ...ssl };
  }
  return opts;
}
