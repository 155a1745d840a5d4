// The pulsar EventSource: messages of Pulsar topics become events, acknowledged only after the bus stored them. At-least-once.
import { pulsarWebSocketBase, PulsarConfig, resolvePulsarClientOptions } from "@impulse/api";
import type { ClientOptions } from "ws";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { upstreamState, type UpstreamState } from "../shared/upstream.js";
import { consumeTopic } from "./consumer.js";

/** Per-topic view of the event's one health component: healthy only while every topic of the event is connected. */
function topicState(event: UpstreamState, connected: Set<string>, topic: string, topicCount: number): UpstreamState {
  return {
    get healthy() {
      return connected.has(topic);
    },
    up() {
      connected.add(topic);
      if (connected.size === topicCount) event.up();
    },
    down(error, reason) {
      connected.delete(topic);
      event.down(error, reason);
    },
  };
}

export const pulsar = defineEventSource({
  type: "pulsar",
  configSchema: PulsarConfig,
  // One consumer at a time, as Argo: an exclusive subscription admits only one.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      // Loaded on first use: only EventSources with this type load the WebSocket client.
      const { default: WebSocket } = await import("ws");
      const wsOptions = (await resolvePulsarClientOptions(config, ctx.secrets)) as ClientOptions;
      const state = upstreamState(eventName, { eventsource: ctx.eventSourceName, event: eventName }, ctx.metrics, ctx.health);
      const base = pulsarWebSocketBase(config.url, config.webServiceURL);
      const connected = new Set<string>();
      const topics = config.topics.map((topic) => consumeTopic({ ...readerRuntime(ctx, emit, signal), eventName, topic, config, base, wsOptions, WebSocket, state: topicState(state, connected, topic, new Set(config.topics).size) }));
      return {
        ready: Promise.all(topics.map((t) => t.ready)).then(() => undefined),
        done: Promise.all(topics.map((t) => t.done)).then(() => undefined),
      };
    });
  },
});
