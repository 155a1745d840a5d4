// ReDoS end to end on real servers: patterns that backtrack for ever in JavaScript answer at once on RE2.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { metricValue, startEventSource, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

// With JavaScript's RegExp, 31 characters blocked the EventSource for 6.4 s and each one more doubles it:
// on 10,000 these tests would never finish.
const EVIL = "^(a+)+$";
const LONG = "a".repeat(10_000) + "!";

let nats: NatsServer;
let sink: Sink;
const started: Started[] = [];
before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await nats.stop();
});

describe("user regexes on RE2 (real runtimes)", () => {
  it("webhook filter.expression `matches` on a hostile body answers, and the EventSource stays responsive", async () => {
    const port = await freePort();
    const es = await startEventSource(
      nats.url,
      "redos-es",
      eventSource("hook", { webhook: { e: { port: String(port), endpoint: "/e", method: "POST", filter: { expression: `body.s matches "${EVIL}"` } } } }),
    );
    started.push(es);
    const post = async (s: string) => {
      const r = await request(`http://127.0.0.1:${port}/e`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ s }) });
      return { status: r.statusCode, body: (await r.body.json()) as { status?: string } };
    };
    assert.deepEqual((await post(LONG)).body.status, "filtered");
    const ok = await post("aaaa");
    assert.equal(ok.status, 200);
    assert.notEqual(ok.body.status, "filtered");
  });

  it("a Sensor's data filter and exprs =~ (pattern from the event) reject the hostile value and fire for the good one", async () => {
    const hook = await startWebhook(nats.url, "redos-sensor", "src");
    started.push(hook);
    const s = await startSensor(
      nats.url,
      "redos-sensor",
      sensor("redos", {
        dependencies: [
          {
            name: "d", eventSourceName: "src", eventName: "e",
            filters: {
              data: [{ path: "body.s", type: "string", value: [EVIL] }],
              exprs: [{ expr: "s =~ p", fields: [{ name: "s", path: "body.s" }, { name: "p", path: "body.p" }] }],
            },
          },
        ],
        triggers: [{ template: { name: "t", http: { url: `${sink.url}/redos`, payload: [{ src: { dependencyName: "d", dataKey: "body.n" }, dest: "n" }] } } }],
      }),
    );
    started.push(s);
    await hook.send({ n: 1, s: LONG, p: EVIL });
    await hook.send({ n: 2, s: "aaaa", p: EVIL });
    await waitFor("the good event fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    await waitFor("the hostile event filtered", async () => (await metricValue(s.registry, "impulse_sensor_events_filtered_total")) >= 1);
    assert.deepEqual(sink.received.filter((r) => r.path === "/redos").map((r) => r.json), [{ n: "2" }]);
  });
});
