// The same CloudEvent id from two senders fires a trigger twice, a resend once: webhook → JetStream → Sensor → HTTP, end to end.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { startEventSource, startSensor, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const NS = "ingest-identity";
let nats: NatsServer;
let sink: Sink;
const started: Started[] = [];
let port: number;

before(async () => {
  nats = await startNats();
  sink = await startSink();
  port = await freePort();
  started.push(await startEventSource(nats.url, NS, eventSource("hooks", { webhook: { orders: { port: String(port), endpoint: "/orders", method: "POST" } } })));
  started.push(
    await startSensor(
      nats.url,
      NS,
      sensor("notify", {
        dependencies: [{ name: "order", eventSourceName: "hooks", eventName: "orders" }],
        triggers: [
          {
            template: {
              name: "post",
              http: { url: `${sink.url}/identity`, payload: [{ src: { dependencyName: "order", dataKey: "body.from" }, dest: "from" }] },
            },
          },
        ],
      }),
    ),
  );
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await sink?.close();
  await nats?.stop();
});

async function sendCe(source: string, from: string): Promise<Record<string, unknown>> {
  const res = await request(`http://127.0.0.1:${port}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", "ce-specversion": "1.0", "ce-id": "42", "ce-source": source, "ce-type": "order" },
    body: JSON.stringify({ from }),
  });
  assert.equal(res.statusCode, 200);
  return (await res.body.json()) as Record<string, unknown>;
}

it("fires for id 42 from sender a and from sender b, and not again for a's resend", async () => {
  await sendCe("sender-a", "a");
  await sendCe("sender-b", "b");
  assert.equal((await sendCe("sender-a", "a-resend"))["duplicate"], true);
  const marker = await request(`http://127.0.0.1:${port}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"from":"marker"}' });
  assert.equal(marker.statusCode, 200);
  await marker.body.dump();
  // The resend was not stored (duplicate), so nothing can fire for it; the three stored events all fire.
  await waitFor("three firings", () => sink.received.filter((r) => r.path === "/identity").length >= 3, 30_000);
  const froms = sink.received.filter((r) => r.path === "/identity").map((r) => (r.json as { from: string }).from);
  assert.deepEqual(froms.sort(), ["a", "b", "marker"]);
  const keys = new Set(sink.received.map((r) => r.headers["idempotency-key"]));
  assert.equal(keys.size, 3, "one Idempotency-Key per event");
});
