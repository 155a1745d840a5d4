// Builds the kafkajs client of one kafka event: brokers, TLS/SASL from secrets, retry backoff, logs into pino.
import { durationToMs, resolveSecurity, type KafkaConfig } from "@impulse/api";
import { Kafka, logLevel, type logCreator, type RetryOptions } from "kafkajs";
import type { Logger } from "pino";
import type { SecretResolver } from "../../define.js";

/** kafkajs logs every failed connection attempt at ERROR; the source reports outages itself, once, so these go to debug. */
export function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      log.debug({ kafkajs: namespace, kafkaLevel: logLevel[level], ...rest }, message);
    };
}

/** Argo's connectionBackoff as kafkajs retry settings: first delay, multiplier, jitter, attempts before a restart. */
export function retryFromBackoff(b: KafkaConfig["connectionBackoff"]): RetryOptions {
  const first = b?.duration !== undefined ? (durationToMs(b.duration) ?? 1000) : 1000;
  return {
    initialRetryTime: Math.max(50, first),
    multiplier: b?.factor !== undefined && b.factor >= 1 ? b.factor : 2,
    factor: b?.jitter !== undefined ? Math.min(1, Math.max(0, b.jitter)) : 0.2,
    retries: b?.steps ? b.steps : 5,
    maxRetryTime: 30_000,
  };
}

export function brokerList(url: string): string[] {
  return url
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
}

export async function createKafka(cfg: KafkaConfig, clientId: string, secrets: SecretResolver, log: Logger): Promise<Kafka> {
  const security = await resolveSecurity(cfg.tls, cfg.sasl, secrets);
  return new Kafka({
    clientId,
    brokers: brokerList(cfg.url),
    ...security,
    connectionTimeout: 3000,
    retry: retryFromBackoff(cfg.connectionBackoff),
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(log),
  });
}
