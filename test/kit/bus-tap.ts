// Records every event the bus stored for one EventSource event, in stream order: what a source really published.
import type { BusEvent, EventBus, Subscription } from "@impulse/bus";
import { connectBus } from "./runtimes.js";

export interface Tap {
  events: BusEvent[];
  stop(): Promise<void>;
}

export async function tapBus(natsUrl: string, namespace: string, eventSourceName: string, eventName: string): Promise<Tap> {
  const bus: EventBus = await connectBus(natsUrl, namespace);
  const events: { seq: number; event: BusEvent }[] = [];
  const sub: Subscription = await bus.subscribe(
    { durable: `tap-${eventSourceName}-${eventName}-${Date.now()}`, events: [{ eventSourceName, eventName }], startAt: "all", maxInFlight: 1 },
    async (d) => {
      if (!events.some((e) => e.seq === d.sequence)) events.push({ seq: d.sequence, event: d.event });
    },
  );
  return {
    get events() {
      return [...events].sort((a, b) => a.seq - b.seq).map((e) => e.event);
    },
    stop: async () => {
      await sub.stop();
      await bus.close();
    },
  };
}
