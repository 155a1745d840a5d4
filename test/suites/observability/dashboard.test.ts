// The Grafana dashboard's every query parses as PromQL and names only metrics that running processes export:
// an EventSource and a Sensor (`impulse eventsource` / `impulse sensor`) on a real nats-server, and the controller
// on a real kube-apiserver, each scraped on its /metrics. A renamed metric fails here.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { installCrds } from "../../kit/crds.js";
import { dashboardQueries, exportedNames, metricNames, unknownMetrics } from "../../kit/dashboard.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { waitFor } from "../../kit/wait.js";

const DASHBOARD = join(repoRoot, "manifests", "grafana", "impulse.json");

let nats: NatsServer;
let kube: Kube;
const procs: CliProcess[] = [];
const ports: Record<"eventsource" | "sensor" | "controller", number> = { eventsource: 0, sensor: 0, controller: 0 };

async function scrape(port: number): Promise<string> {
  const r = await request(`http://127.0.0.1:${port}/metrics`);
  assert.equal(r.statusCode, 200);
  return r.body.text();
}

before(async () => {
  [nats, kube] = await Promise.all([startNats(), startKube()]);
  await installCrds(kube);
  const dir = mkdtempSync(join(tmpdir(), "impulse-dashboard-"));
  const webhookPort = await freePort();
  writeFileSync(
    join(dir, "eventsource.yaml"),
    JSON.stringify({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name: "orders" }, spec: { webhook: { created: { port: String(webhookPort), endpoint: "/orders", method: "POST" } } } }),
  );
  writeFileSync(
    join(dir, "sensor.yaml"),
    JSON.stringify({
      apiVersion: "impulse.dev/v1alpha1",
      kind: "Sensor",
      metadata: { name: "audit" },
      spec: { dependencies: [{ name: "d", eventSourceName: "orders", eventName: "created" }], triggers: [{ template: { name: "note", log: {} } }] },
    }),
  );
  for (const kind of ["eventsource", "sensor"] as const) {
    ports[kind] = await freePort();
    const p = spawnCli([kind, "-f", join(dir, `${kind}.yaml`), "--nats-url", nats.url, "--namespace", "dashboard", "--metrics-port", String(ports[kind]), "--log-level", "error"]);
    procs.push(p);
    await waitHealthy(p, ports[kind]);
  }
  ports.controller = await freePort();
  const controller = spawnCli(["controller", "--kubeconfig", kube.kubeconfigPath, "--metrics-port", String(ports.controller), "--image", "impulse:test"], { POD_NAME: "controller-0" });
  procs.push(controller);
  await waitFor("controller /metrics", async () => {
    if (controller.proc.exitCode !== null) throw new Error(`controller exited:\n${controller.output()}`);
    return scrape(ports.controller).then(() => true, () => false);
  });
  // One event through, so the runtimes' labelled series carry samples as they would in production.
  const r = await request(`http://127.0.0.1:${webhookPort}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"id":1}' });
  assert.equal(r.statusCode, 200, await r.body.text());
  await waitFor("the sensor saw the event", async () => /impulse_sensor_triggers_fired_total\{[^}]*\} 1/.test(await scrape(ports.sensor)));
});

after(async () => {
  for (const p of procs) await p.stop();
  await Promise.allSettled([nats?.stop(), kube?.stop()]);
});

it("every query of the dashboard parses as PromQL and names a metric the runtimes export", async () => {
  const queries = dashboardQueries(DASHBOARD);
  assert.ok(queries.length >= 20, `only ${queries.length} queries found in ${DASHBOARD}`);
  const exported = new Set<string>();
  for (const port of Object.values(ports)) for (const n of exportedNames(await scrape(port))) exported.add(n);
  // Each query selects at least one metric (a query of constants would check nothing).
  for (const q of queries) assert.ok(metricNames(q.expr).length > 0, `${q.where} selects no metric: ${q.expr}`);
  assert.deepEqual(unknownMetrics(queries, exported), []);
});

it("the dashboard covers ingest, rejections, publish latency, matches, firings, trigger latency, DLQ, upstream health and journal drops", () => {
  const used = new Set(dashboardQueries(DASHBOARD).flatMap((q) => metricNames(q.expr)));
  for (const m of [
    "impulse_eventsource_events_received_total",
    "impulse_eventsource_events_failed_total",
    "impulse_eventsource_publish_duration_seconds_bucket",
    "impulse_eventsource_upstream_connected",
    "impulse_sensor_events_received_total",
    "impulse_sensor_events_filtered_total",
    "impulse_sensor_triggers_fired_total",
    "impulse_sensor_triggers_failed_total",
    "impulse_sensor_trigger_duration_seconds_bucket",
    "impulse_sensor_events_dead_lettered_total",
    "impulse_journal_records_dropped_total",
  ])
    assert.ok(used.has(m), `no panel uses ${m}`);
});

it("the check itself catches a misspelt metric, a histogram suffix on a counter and a syntax error", async () => {
  const exported = exportedNames(await scrape(ports.eventsource));
  const bad = [
    { where: "misspelt", expr: "rate(impulse_eventsource_events_recieved_total[$__rate_interval])" },
    { where: "suffix", expr: "impulse_eventsource_events_received_total_bucket" },
    { where: "histogram ok", expr: "impulse_eventsource_publish_duration_seconds_count" },
  ];
  assert.deepEqual(unknownMetrics(bad, exported), ["misspelt: impulse_eventsource_events_recieved_total", "suffix: impulse_eventsource_events_received_total_bucket"]);
  assert.throws(() => metricNames("sum by (eventsource (rate(impulse_eventsource_events_received_total[5m]))"), /PromQL syntax error/);
});
