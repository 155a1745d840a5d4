// The pulsar EventSource: messages of Pulsar topics become events, acknowledged only after the bus stored them. At-least-once.
import { pulsarWebSocketBase, PulsarConfig, resolvePulsarClientOptions } from "@impulse/api";
import type { ClientOptions } from "ws";
import { defineEventSource } from "../../define.js";
import { upstreamState } from "../shared/upstream.js";
import { consumeTopic } from "./consumer.js";

export const pulsar = defineEventSource({
  type: "pulsar",
  configSchema: PulsarConfig,
  // One consumer at a time, as Argo: an exclusive subscription admits only one.
  strategy: "leader",
  start(ctx, emit, signal) {
    const consumers = [...ctx.events].map(async ([eventName, config]) => {
      // Loaded on first use: only EventSources with this type load the WebSocket client.
      const { default: WebSocket } = await import("ws");
      const wsOptions = (await resolvePulsarClientOptions(config, ctx.secrets)) as ClientOptions;
      const labels = { eventsource: ctx.eventSourceName, event: eventName };
      const state = upstreamState(eventName, labels, ctx.metrics, ctx.health);
      const base = pulsarWebSocketBase(config.url, config.webServiceURL);
      return config.topics.map((topic) =>
        consumeTopic({ eventSourceName: ctx.eventSourceName, eventName, topic, config, base, wsOptions, WebSocket, emit, logger: ctx.logger, metrics: ctx.metrics, state, signal }),
      );
    });
    const started = Promise.all(consumers).then((c) => c.flat());
    return {
      ready: started.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: started.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
