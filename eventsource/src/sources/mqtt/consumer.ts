// Consumes one mqtt event's topic into the bus at QoS 1: a message is PUBACKed only after the bus stored its event.
import type { MQTTConfig } from "@impulse/api";
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { mqttEventData, UnackedIds } from "./message.js";

export interface MqttReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: MQTTConfig;
  url: string;
  clientOptions: IClientOptions;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

const READY_GRACE_MS = 10_000;

export function startMqttReader(o: MqttReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const log = o.logger.child({ eventName: o.eventName, topic: o.config.topic, clientId: o.config.clientId });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const jsonBody = o.config.jsonBody ?? false;
  const unacked = new UnackedIds();
  /** Bumped on every lost connection: a PUBACK belongs to the connection its message came on. */
  let connection = 0;
  let attempts = 0;
  let subscribed = false;

  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  // Ready once subscribed or failing: a slow first connection must not hold the runtime's start (and /health).
  setTimeout(() => markReady(), READY_GRACE_MS).unref();

  const client: MqttClient = connect(o.url, { ...o.clientOptions, reconnectPeriod: reconnectDelayMs(o.config.connectionBackoff, 0) });

  /**
   * mqtt.js hands QoS 1 messages here one at a time and sends the PUBACK when `done` is called without an error: the
   * next message waits while the bus holds this one up (the broker keeps the rest, up to its in-flight limit).
   */
  client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
    const mine = connection;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    void (async () => {
      const started = performance.now();
      received.inc();
      let data: unknown;
      try {
        data = mqttEventData(packet.topic, packet.messageId, payload, jsonBody, o.config.metadata);
      } catch (e) {
        if (!(e instanceof PoisonMessage)) throw e;
        // MQTT has no negative acknowledgement: a poison message is acknowledged, counted and skipped.
        o.metrics.failed.inc({ ...labels, reason: "poison" });
        log.warn({ packetId: packet.messageId, err: e.message }, "poison message skipped");
        return done();
      }
      const keyOf = () => UnackedIds.key(packet.topic, packet.messageId!, payload);
      const id = packet.messageId !== undefined && !unacked.empty ? unacked.take(keyOf(), packet.dup) : undefined;
      let storedId: string | undefined;
      const emit: Emit = async (e) => {
        const r = await o.emit(e);
        storedId = r?.id;
        return r;
      };
      const outcome = await storeUntilDone(
        { emit, metrics: o.metrics, labels, log, signal: o.signal, abandon: () => connection !== mine },
        { eventName: o.eventName, data, ...(id ? { id } : {}) },
      );
      if (outcome === "stopped" || connection !== mine) {
        // Not PUBACKed: the broker sends it again on the resumed session; a stored one keeps its id for that.
        if (packet.messageId !== undefined && storedId) unacked.remember(keyOf(), storedId);
        return done(new Error("not acknowledged: connection lost or source stopping"));
      }
      if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
      done();
    })().catch((e: unknown) => {
      log.error({ err: (e as Error).message }, "mqtt message handling failed; not acknowledged");
      done(e as Error);
    });
  };

  client.on("connect", (connack) => {
    attempts = 0;
    client.options.reconnectPeriod = reconnectDelayMs(o.config.connectionBackoff, 0);
    log.info({ sessionPresent: connack.sessionPresent }, "connected to the mqtt broker");
    if (subscribed && connack.sessionPresent) {
      state.up();
      return markReady();
    }
    // A new session (first start, or the broker lost it): subscribe; mqtt.js re-subscribes by itself afterwards too.
    client.subscribe(o.config.topic, { qos: 1 }, (err, granted) => {
      const g = granted?.[0];
      if (err || !g || g.qos > 2) {
        const why = err?.message ?? `subscription to ${o.config.topic} refused by the broker`;
        log.warn({ err: why }, "mqtt subscribe failed");
        state.down(why, "subscribe_failed");
        return markReady();
      }
      if (g.qos < 1) log.warn({ grantedQos: g.qos }, "the broker granted QoS 0: messages may be lost while the source is away");
      subscribed = true;
      state.up();
      markReady();
    });
  });
  client.on("close", () => {
    connection++;
    if (o.signal.aborted) return;
    const wasHealthy = state.healthy;
    if (wasHealthy || attempts === 0) log.warn({ err: lastError }, "mqtt connection lost or refused; reconnecting");
    state.down(lastError ?? "connection to the broker lost", wasHealthy ? "disconnected" : "connect_failed");
    markReady();
    client.options.reconnectPeriod = reconnectDelayMs(o.config.connectionBackoff, attempts++);
  });
  let lastError: string | undefined;
  client.on("error", (e) => {
    lastError = e.message;
    log.debug({ err: e.message }, "mqtt client error");
  });

  const done = new Promise<void>((resolve) => {
    const stop = () => {
      // Force: a message held for the bus is left un-PUBACKed for the broker to resend.
      client.end(true, {}, () => {
        state.down("stopped");
        markReady();
        resolve();
      });
    };
    if (o.signal.aborted) stop();
    else o.signal.addEventListener("abort", stop, { once: true });
  });
  return { ready, done };
}
