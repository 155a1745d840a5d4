// One topic of a pulsar event, read through the broker's WebSocket consumer API: each message is stored on the bus and
// only then acknowledged. Unacknowledged messages (a crash, a stop, a lost connection) are redelivered by the broker.
import { pulsarTopicPath, type PulsarConfig } from "@impulse/api";
import type { Logger } from "pino";
import type WebSocket from "ws";
import type { ClientOptions } from "ws";
import type { Emit } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { serialQueue } from "../shared/serial.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import type { UpstreamState } from "../shared/upstream.js";
import { pulsarEventData, pulsarEventId, type WsMessage } from "./data.js";

/** Messages the broker may push ahead of the acknowledgements; they wait in memory while the bus is slow or down. */
const RECEIVER_QUEUE = 100;

export interface ConsumerOptions {
  eventSourceName: string;
  eventName: string;
  topic: string;
  config: PulsarConfig;
  base: string;
  wsOptions: ClientOptions;
  WebSocket: typeof WebSocket;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  state: UpstreamState;
  signal: AbortSignal;
}

export function consumeTopic(o: ConsumerOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, topic: o.topic });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const subscriptionType = cfg.type === "shared" ? "Shared" : "Exclusive";
  // Argo names the subscription after the event.
  const url = `${o.base}/consumer/${pulsarTopicPath(o.topic)}/${encodeURIComponent(o.eventName)}?subscriptionType=${subscriptionType}&receiverQueueSize=${RECEIVER_QUEUE}`;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));

  /** Stores one message, then acks it on the connection it came from (an ack on another one would be refused). */
  const handle = async (ws: WebSocket, m: WsMessage) => {
    const started = performance.now();
    received.inc();
    const ack = () => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ messageId: m.messageId }));
    let data: Record<string, unknown>;
    try {
      data = pulsarEventData(m, cfg.jsonBody ?? false, cfg.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      log.warn({ messageId: m.messageId, err: e.message }, "poison message skipped");
      ack();
      return;
    }
    const id = pulsarEventId(o.eventSourceName, o.eventName, o.topic, m.messageId);
    // A closed connection's messages come back on the next one: stop retrying this copy.
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal, abandon: () => ws.readyState !== ws.OPEN }, { eventName: o.eventName, id, data });
    if (outcome === "stopped") return;
    ack();
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
  };

  /** One connection's life: resolves when it closed (or failed to open) and its queued messages were handled. */
  const connectOnce = (): Promise<{ opened: boolean; error: string }> =>
    new Promise((resolve) => {
      const ws = new o.WebSocket(url, { ...o.wsOptions, handshakeTimeout: 10_000 });
      let opened = false;
      let error = "connection closed";
      const queue = serialQueue<WsMessage>((m) => handle(ws, m), (e) => log.error({ err: (e as Error).message }, "pulsar message handling failed"));
      const onAbort = () => ws.close(1000);
      signal.addEventListener("abort", onAbort, { once: true });
      ws.on("open", () => {
        opened = true;
        if (!o.state.healthy) log.info("reading the topic");
        o.state.up();
        markReady();
      });
      ws.on("message", (raw) => {
        try {
          queue.push(JSON.parse(raw.toString()) as WsMessage);
        } catch (e) {
          log.warn({ err: (e as Error).message }, "unreadable frame from the WebSocket API skipped");
        }
      });
      ws.on("unexpected-response", (_req, res) => {
        error = `HTTP ${res.statusCode} ${res.statusMessage ?? ""}`.trim();
        ws.terminate();
      });
      ws.on("error", (e) => (error = e.message));
      ws.on("close", () => {
        signal.removeEventListener("abort", onAbort);
        void queue.idle().then(() => resolve({ opened, error }));
      });
    });

  const done = (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      const { opened, error } = await connectOnce();
      if (signal.aborted) break;
      if (opened) attempt = 0;
      if (o.state.healthy || attempt === 0) log.warn({ err: error }, "pulsar connection lost; reconnecting with backoff");
      o.state.down(`${o.topic}: ${error}`, o.state.healthy ? "read" : undefined);
      markReady();
      await sleep(reconnectDelayMs(cfg.connectionBackoff, attempt++), signal);
    }
  })().finally(() => markReady());
  return { ready, done };
}
