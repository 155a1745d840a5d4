// Tracing end to end against a real OpenTelemetry Collector: webhook → bus → Sensor → HTTP target is one trace.
// `impulse eventsource` and `impulse sensor` run as separate processes (as pods do), configured only by OTEL_* env.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { startOtelCollector, type ExportedSpan, type OtelCollector } from "../../kit/otelcol.js";
import { startSink, type Received, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

let nats: NatsServer;
let collector: OtelCollector;
let sink: Sink;
let dir: string;
const procs: CliProcess[] = [];
/** Webhook ports of the traced pair and of the pair without OTEL_* (tracing off). */
const port = { on: 0, off: 0 };
/** The traced pair, whose log lines are read. */
const traced: { es?: CliProcess; sensor?: CliProcess } = {};

function writeSpecs(name: string, webhookPort: number, targetPath: string): { es: string; sensor: string } {
  const es = join(dir, `${name}-eventsource.yaml`);
  const sensor = join(dir, `${name}-sensor.yaml`);
  writeFileSync(
    es,
    `apiVersion: impulse.dev/v1alpha1
kind: EventSource
metadata: {name: ${name}}
spec:
  webhook:
    orders: {port: "${webhookPort}", endpoint: /orders, method: POST}
`,
  );
  writeFileSync(
    sensor,
    `apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: ${name}-billing}
spec:
  dependencies:
    - name: large-order
      eventSourceName: ${name}
      eventName: orders
      filters:
        data:
          - {path: body.amount, type: number, comparator: ">=", value: ["100"]}
  triggers:
    - template:
        name: notify
        http:
          url: ${sink.url}${targetPath}
          method: POST
          payload:
            - src: {dependencyName: large-order, dataKey: body.id}
              dest: id
`,
  );
  return { es, sensor };
}

before(async () => {
  // One by one: a server that fails to start must not leave the others unassigned (and running) for `after`.
  sink = await startSink();
  nats = await startNats();
  collector = await startOtelCollector();
  dir = mkdtempSync(join(tmpdir(), "impulse-tracing-"));
  port.on = await freePort();
  port.off = await freePort();
  // Export after 100 ms instead of 5 s: the suite waits for spans, not for a timer.
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: "100" };
  const on = writeSpecs("traced", port.on, "/traced");
  const plain = writeSpecs("plain", port.off, "/plain");
  const common = ["--nats-url", nats.url, "--namespace", "tracing", "--log-level", "info"];
  // One at a time, as the other suites do: four runtimes starting at once on a loaded 2-core machine exceed the health wait.
  traced.sensor = await startRuntime("sensor", on.sensor, common, procs, otel);
  traced.es = await startRuntime("eventsource", on.es, common, procs, otel);
  await startRuntime("sensor", plain.sensor, common, procs);
  await startRuntime("eventsource", plain.es, common, procs);
});

after(async () => {
  for (const p of procs) await p.stop();
  await Promise.allSettled([sink?.close(), collector?.stop(), nats?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function post(webhookPort: number, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const r = await request(`http://127.0.0.1:${webhookPort}/orders`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const answer = (await r.body.json()) as { eventId: string };
  assert.equal(r.statusCode, 200, JSON.stringify(answer));
  return answer.eventId;
}

/** The request the target got for the order `id`. */
const targetCall = (path: string, id: string): Promise<Received> =>
  waitFor(`the target's request for ${id}`, () => sink.received.find((r) => r.path === path && (r.json as { id?: string } | undefined)?.id === id), 30_000);

const traceIdOf = (traceparent: unknown) => String(traceparent).split("-")[1]!;
const spanIdOf = (traceparent: unknown) => String(traceparent).split("-")[2]!;

/** Waits until the collector has exported the spans named in `names` for this trace. */
async function traceSpans(traceId: string, names: string[]): Promise<Map<string, ExportedSpan>> {
  return waitFor(
    `spans ${names.join(", ")} of trace ${traceId}`,
    () => {
      const byName = new Map(collector.spans().filter((s) => s.traceId === traceId).map((s) => [s.name, s]));
      return names.every((n) => byName.has(n)) && byName;
    },
    30_000,
  );
}

const PIPELINE = ["POST /orders", "send traced/orders", "process traced/orders", "filter large-order", "POST"];

it("one webhook request is one trace: EventSource → bus → Sensor → HTTP target, which got the same trace id", async () => {
  const eventId = await post(port.on, { id: "o-1", amount: 150 });
  const call = await targetCall("/traced", "o-1");
  const traceparent = call.headers["traceparent"];
  assert.match(String(traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const spans = await traceSpans(traceIdOf(traceparent), PIPELINE);
  const [server, send, process, filter, client] = PIPELINE.map((n) => spans.get(n)!) as [ExportedSpan, ExportedSpan, ExportedSpan, ExportedSpan, ExportedSpan];

  // The chain of parents, across both processes and the bus.
  assert.equal(server.parentSpanId, "", "no traceparent came in: the request starts the trace");
  assert.equal(send.parentSpanId, server.spanId);
  assert.equal(process.parentSpanId, send.spanId);
  assert.equal(filter.parentSpanId, process.spanId);
  assert.equal(client.parentSpanId, process.spanId);
  assert.equal(spanIdOf(traceparent), client.spanId, "the target's traceparent names the attempt's span");

  assert.deepEqual([server.kind, send.kind, process.kind, client.kind], [SERVER, PRODUCER, CONSUMER, CLIENT]);
  assert.deepEqual([server.service, send.service, process.service, client.service], ["impulse-eventsource", "impulse-eventsource", "impulse-sensor", "impulse-sensor"]);
  for (const s of [server, send, process, filter, client]) assert.equal(s.attributes["cloudevents.event_id"], eventId, `${s.name} carries the event id`);

  // Semantic conventions: HTTP server and client, messaging producer and consumer.
  assert.equal(server.attributes["http.request.method"], "POST");
  assert.equal(server.attributes["http.route"], "/orders");
  assert.equal(server.attributes["http.response.status_code"], 200);
  assert.equal(send.attributes["messaging.operation.type"], "send");
  assert.equal(send.attributes["messaging.message.id"], eventId);
  assert.equal(process.attributes["messaging.operation.type"], "process");
  assert.equal(filter.attributes["impulse.filter.matched"], true);
  assert.equal(client.attributes["http.request.method"], "POST");
  assert.equal(client.attributes["http.response.status_code"], 200);
  assert.equal(client.attributes["url.full"], `${sink.url}/traced`);
  assert.equal(client.attributes["impulse.attempt"], 1);

  // Log lines about the event carry the ids of the span they were written in.
  const lines = (p: CliProcess | undefined) => p!.output().split("\n").filter((l) => l.includes(eventId)).map((l) => JSON.parse(l) as Record<string, unknown>);
  const received = lines(traced.es).find((l) => l["msg"] === "event received");
  assert.deepEqual([received?.["trace_id"], received?.["span_id"]], [server.traceId, send.spanId]);
  const fired = await waitFor("the sensor's fired line", () => lines(traced.sensor).find((l) => String(l["msg"]).startsWith("trigger notify fired")));
  assert.deepEqual([fired["trace_id"], fired["span_id"]], [process.traceId, process.spanId]);
});

it("an incoming traceparent header is continued: same trace id, the sender's span is the parent", async () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const parent = "00f067aa0ba902b7";
  await post(port.on, { id: "o-2", amount: 200 }, { traceparent: `00-${traceId}-${parent}-01`, tracestate: "vendor=abc" });
  const call = await targetCall("/traced", "o-2");
  assert.equal(traceIdOf(call.headers["traceparent"]), traceId);
  assert.equal(call.headers["tracestate"], "vendor=abc", "tracestate travels with the context");
  const spans = await traceSpans(traceId, PIPELINE);
  assert.equal(spans.get("POST /orders")!.parentSpanId, parent);
});

it("a CloudEvent's traceparent extension is continued (structured mode, no header)", async () => {
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  const parent = "b7ad6b7169203331";
  const ce = { specversion: "1.0", id: "ce-3", source: "shop", type: "order.created", datacontenttype: "application/json", traceparent: `00-${traceId}-${parent}-01`, data: { id: "o-3", amount: 300 } };
  const r = await request(`http://127.0.0.1:${port.on}/orders`, { method: "POST", headers: { "content-type": "application/cloudevents+json" }, body: JSON.stringify(ce) });
  assert.equal(r.statusCode, 200, await r.body.text());
  const call = await targetCall("/traced", "o-3");
  assert.equal(traceIdOf(call.headers["traceparent"]), traceId);
  const spans = await traceSpans(traceId, PIPELINE);
  assert.equal(spans.get("POST /orders")!.parentSpanId, parent);
  assert.equal(spans.get("process traced/orders")!.attributes["cloudevents.event_id"], "ce-3");
});

it("a filtered event shows its verdict and reason on the filter span, and nothing is sent", async () => {
  const traceId = "1af7651916cd43dd8448eb211c80319d";
  await post(port.on, { id: "o-4", amount: 5 }, { traceparent: `00-${traceId}-b7ad6b7169203332-01` });
  const spans = await traceSpans(traceId, ["process traced/orders", "filter large-order"]);
  const filter = spans.get("filter large-order")!;
  assert.equal(filter.attributes["impulse.filter.matched"], false);
  assert.match(String(filter.attributes["impulse.filter.reason"]), /body\.amount/);
  assert.equal(spans.get("process traced/orders")!.attributes["impulse.matched"], false);
  assert.equal(spans.has("POST"), false);
});

it("tracing off: no traceparent is invented, one the sender gave is passed on unchanged, and nothing is exported", async () => {
  await post(port.off, { id: "p-1", amount: 150 });
  const untraced = await targetCall("/plain", "p-1");
  assert.equal(untraced.headers["traceparent"], undefined);

  const given = "00-5bf92f3577b34da6a3ce929d0e0e4737-00f067aa0ba902b8-01";
  await post(port.off, { id: "p-2", amount: 150 }, { traceparent: given });
  const passed = await targetCall("/plain", "p-2");
  assert.equal(passed.headers["traceparent"], given);
  // The traced pair exports continuously; none of its spans belongs to the plain pair's events.
  assert.equal(collector.spans().some((s) => s.traceId === traceIdOf(given) || String(s.attributes["messaging.destination.name"]).startsWith("plain/")), false);
});
