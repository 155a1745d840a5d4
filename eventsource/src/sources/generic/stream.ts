// Streams one generic event from its gRPC server into the bus; reconnects with backoff and reports the link on /health.
import { ErrorCodes, isImpulseError, type GenericConfig } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { genericEventData, NotJson } from "./data.js";
import type { EventingClient, GenericEvent, Grpc } from "./protocol.js";
import { sleep } from "../shared/sleep.js";

export interface StreamOptions {
  eventSourceName: string;
  eventName: string;
  config: GenericConfig;
  /** The authSecret's token, read once at start. */
  token: string | undefined;
  grpc: Grpc;
  Eventing: new (address: string, credentials: ReturnType<Grpc["credentials"]["createInsecure"]>, options?: object) => EventingClient;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: (status: { healthy: boolean; error?: string }) => void;
  signal: AbortSignal;
}

/** How long to wait before the next connection attempt: 1s doubling to 30s (Argo waits a fixed 5s). */
export const reconnectDelayMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));

const CLIENT_OPTIONS = {
  // A server that vanished without closing the connection is noticed within minutes. Servers refuse pings more often
  // than every 5 minutes by default (grpc-go's enforcement policy), hence not less.
  "grpc.keepalive_time_ms": 300_000,
  "grpc.keepalive_timeout_ms": 20_000,
  // Each attempt makes a new channel: its own reconnect backoff would only add to ours.
  "grpc.initial_reconnect_backoff_ms": 1000,
  "grpc.max_reconnect_backoff_ms": 1000,
};

/** Error text of a failed call for logs and /health: gRPC status name and details, never the call metadata. */
function describe(grpc: Grpc, e: unknown): { text: string; reason: string } {
  const err = e as { code?: number; details?: string; message?: string };
  if (typeof err.code === "number") {
    const name = grpc.status[err.code] ?? String(err.code);
    return { text: `${name}: ${err.details || err.message || "stream failed"}`, reason: name };
  }
  return { text: err.message ?? String(e), reason: "error" };
}

export function startStream(o: StreamOptions): { ready: Promise<void>; done: Promise<void> } {
  const log = o.logger.child({ eventName: o.eventName, url: o.config.url });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const connected = o.metrics.upstreamConnected.labels(labels);
  const jsonBody = o.config.jsonBody ?? false;
  let healthy = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));

  const setHealth = (ok: boolean, error?: string) => {
    if (ok && healthy) return;
    healthy = ok;
    connected.set(ok ? 1 : 0);
    o.health(ok ? { healthy: true } : { healthy: false, error: error ?? "not connected" });
  };
  connected.set(0);
  o.health({ healthy: false, error: `connecting to ${o.config.url}` });

  /**
   * Publishes until the bus stored the event. Meanwhile nothing more is read from the stream, so gRPC flow control
   * holds the server back: the protocol has no acknowledgements, and an event dropped here would be lost.
   */
  const store = async (ev: GenericEvent) => {
    const started = performance.now();
    received.inc();
    let data;
    try {
      data = genericEventData(ev.payload, jsonBody, o.config.metadata);
    } catch (e) {
      if (!(e instanceof NotJson)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "invalid" });
      log.warn({ err: e.message }, "event skipped");
      return;
    }
    for (let attempt = 0; !o.signal.aborted; attempt++) {
      try {
        await o.emit({ eventName: o.eventName, data });
        publishDuration.observe((performance.now() - started) / 1000);
        return;
      } catch (e) {
        if (isImpulseError(e) && (e.code === ErrorCodes.EventTooLarge || e.code === ErrorCodes.InvalidEvent)) {
          o.metrics.failed.inc({ ...labels, reason: e.code === ErrorCodes.EventTooLarge ? "too_large" : "invalid" });
          log.warn({ err: e.message }, "event skipped: the bus cannot store it");
          return;
        }
        const busDown = isImpulseError(e) && e.code === ErrorCodes.BusUnavailable;
        o.metrics.failed.inc({ ...labels, reason: busDown ? "bus_unavailable" : "internal" });
        if (attempt === 0) log.warn({ err: (e as Error).message }, "event not stored yet; holding the stream and retrying");
        await sleep(Math.min(5000, 250 * 2 ** attempt), o.signal);
      }
    }
  };

  /** One connection: resolves when the stream ended or failed, with what to report. */
  const streamOnce = async (): Promise<string | undefined> => {
    const { grpc } = o;
    const creds = o.config.insecure ? grpc.credentials.createInsecure() : grpc.credentials.createSsl();
    const client = new o.Eventing(o.config.url, creds, CLIENT_OPTIONS);
    const metadata = new grpc.Metadata();
    if (o.token !== undefined) metadata.set("authorization", `Bearer ${o.token}`);
    const call = client.StartEventSource({ name: o.eventName, config: Buffer.from(o.config.config, "utf8") }, metadata);
    const cancel = () => call.cancel();
    o.signal.addEventListener("abort", cancel, { once: true });
    // Connected once the channel is READY with the call on it: many servers send nothing until their first event.
    const channel = client.getChannel();
    const watch = (state: number) => {
      if (state === grpc.connectivityState.READY) {
        log.info("connected to the event server; streaming");
        setHealth(true);
        markReady();
        return;
      }
      if (state === grpc.connectivityState.SHUTDOWN) return;
      channel.watchConnectivityState(state, Date.now() + 3_600_000, (err) => err || watch(channel.getConnectivityState(false)));
    };
    watch(channel.getConnectivityState(true));
    try {
      for await (const ev of call as AsyncIterable<GenericEvent>) {
        setHealth(true);
        await store(ev);
        if (o.signal.aborted) break;
      }
      return o.signal.aborted ? undefined : "the server ended the stream";
    } catch (e) {
      if (o.signal.aborted) return undefined;
      const { text, reason } = describe(grpc, e);
      o.metrics.upstreamErrors.inc({ ...labels, reason });
      return text;
    } finally {
      o.signal.removeEventListener("abort", cancel);
      call.cancel();
      client.close();
    }
  };

  const done = (async () => {
    for (let attempt = 0; !o.signal.aborted; attempt++) {
      const wasHealthy = healthy;
      const reason = await streamOnce();
      if (o.signal.aborted) break;
      // A stream that got going starts the backoff over; one that never connected waits longer each time.
      if (healthy || wasHealthy) attempt = 0;
      const wait = reconnectDelayMs(attempt);
      setHealth(false, reason);
      markReady();
      log.warn({ err: reason, retryInMs: wait }, "event stream lost; reconnecting");
      await sleep(wait, o.signal);
    }
    connected.set(0);
    markReady();
  })();
  return { ready, done };
}
