// Conditions over several dependencies: partial state in the bus KV survives a killed sensor; spec changes purge it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const started: Started[] = [];
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await nats.stop();
});

/** Two webhook EventSources, `a` and `b`, in one namespace; returns a sender per source. */
async function sources(ns: string) {
  const [a, b] = [await startWebhook(nats.url, ns, "a"), await startWebhook(nats.url, ns, "b")];
  started.push(a, b);
  return { a: a.send, b: b.send };
}

const spec = (path: string, conditions?: string) => ({
  dependencies: [
    { name: "dep-a", eventSourceName: "a", eventName: "e" },
    { name: "dep-b", eventSourceName: "b", eventName: "e" },
  ],
  triggers: [
    {
      template: {
        name: "both",
        ...(conditions ? { conditions } : {}),
        http: {
          url: `${sink.url}${path}`,
          payload: [
            { src: { dependencyName: "dep-a", dataKey: "body.v" }, dest: "a" },
            { src: { dependencyName: "dep-b", dataKey: "body.v" }, dest: "b" },
          ],
        },
      },
    },
  ],
});

const calls = (path: string) => sink.received.filter((r) => r.path === path).map((r) => r.json);

describe("conditions across dependencies", () => {
  it("waits for every dependency by default, fires with the latest event of each, then starts over", async () => {
    const send = await sources("and-default");
    const s = await startSensor(nats.url, "and-default", sensor("both", spec("/and")));
    started.push(s);
    await send.a({ v: "a1" });
    await send.a({ v: "a2" });
    await waitFor("both a events saved", async () => (await metricValue(s.registry, "impulse_sensor_events_waiting_total")) === 2);
    assert.deepEqual(calls("/and"), []);
    await send.b({ v: "b1" });
    await waitFor("firing", () => calls("/and").length === 1);
    assert.deepEqual(calls("/and")[0], { a: "a2", b: "b1" });
    // State was cleared: b alone does not fire again.
    await send.b({ v: "b2" });
    await waitFor("b2 saved", async () => (await metricValue(s.registry, "impulse_sensor_events_waiting_total")) === 3);
    assert.equal(calls("/and").length, 1);
    await send.a({ v: "a3" });
    await waitFor("second firing", () => calls("/and").length === 2);
    assert.deepEqual(calls("/and")[1], { a: "a3", b: "b2" });
  });

  it("keeps a partial condition across a sensor killed with SIGKILL", async () => {
    const send = await sources("and-restart");
    const dir = mkdtempSync(join(tmpdir(), "impulse-cond-"));
    const file = join(dir, "sensor.yaml");
    writeFileSync(file, JSON.stringify({ apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name: "both" }, spec: spec("/restart", "dep-a && dep_b") }));
    const run = async () => {
      const port = await freePort();
      const p = spawnCli(["sensor", "-f", file, "--nats-url", nats.url, "--namespace", "and-restart", "--metrics-port", String(port), "--log-level", "warn"]);
      procs.push(p);
      await waitHealthy(p, port);
      return { p, port };
    };
    const first = await run();
    await send.a({ v: "before-kill" });
    await waitFor("a saved", async () => {
      const r = await request(`http://127.0.0.1:${first.port}/metrics`);
      return /impulse_sensor_events_waiting_total\{[^}]*\} 1/.test(await r.body.text());
    });
    await first.p.stop("SIGKILL");
    await run();
    await send.b({ v: "after-restart" });
    await waitFor("firing after restart", () => calls("/restart").length === 1);
    assert.deepEqual(calls("/restart")[0], { a: "before-kill", b: "after-restart" });
  });

  it("purges saved partial state when the trigger's condition changes", async () => {
    const send = await sources("and-purge");
    const v1 = await startSensor(nats.url, "and-purge", sensor("both", spec("/purge", "dep-a && dep-b")));
    await send.a({ v: "old" });
    await waitFor("a saved", async () => (await metricValue(v1.registry, "impulse_sensor_events_waiting_total")) === 1);
    await v1.stop();
    const v2 = await startSensor(nats.url, "and-purge", sensor("both", spec("/purge", "(dep-a && dep-b)")));
    started.push(v2);
    await send.b({ v: "new-b" });
    // b is saved as waiting (not fired with the purged a): the handler has finished with it.
    await waitFor("b saved", async () => (await metricValue(v2.registry, "impulse_sensor_events_waiting_total")) === 1);
    assert.equal(await metricValue(v2.registry, "impulse_sensor_triggers_fired_total"), 0);
    assert.deepEqual(calls("/purge"), []);
    await send.a({ v: "new-a" });
    await waitFor("firing with fresh state", () => calls("/purge").length === 1);
    assert.deepEqual(calls("/purge")[0], { a: "new-a", b: "new-b" });
  });
});

describe("conditionsReset", () => {
  it("clears saved dependency events on its schedule", async () => {
    const send = await sources("reset");
    const withReset = spec("/reset", "dep-a && dep-b");
    (withReset.triggers[0]!.template as Record<string, unknown>)["conditionsReset"] = [{ byTime: { cron: "* * * * * *", timezone: "UTC" } }];
    const s = await startSensor(nats.url, "reset", sensor("both", withReset));
    started.push(s);
    await send.a({ v: "stale" });
    await waitFor("a saved", async () => (await metricValue(s.registry, "impulse_sensor_events_waiting_total")) === 1);
    const resetsBefore = await metricValue(s.registry, "impulse_sensor_condition_resets_total");
    await waitFor("a reset tick", async () => (await metricValue(s.registry, "impulse_sensor_condition_resets_total")) > resetsBefore, 5000);
    await send.b({ v: "b" });
    await waitFor("b saved, not fired with the stale a", async () => (await metricValue(s.registry, "impulse_sensor_events_waiting_total")) === 2);
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_fired_total"), 0);
    assert.deepEqual(calls("/reset"), []);
  });
});
