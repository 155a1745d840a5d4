// Message templates in local mode: `impulse dev` reads the ConfigMap impulse-notification-templates from the files it
// is given, renders it into a trigger, and refuses to start with a template that names an unknown function.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { runCli, spawnCli, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const started: CliProcess[] = [];
before(async () => {
  [nats, sink] = await Promise.all([startNats(), startSink()]);
});
after(async () => {
  for (const p of started) await p.stop();
  await sink?.close();
  await nats?.stop();
});

function files(port: number, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "impulse-dev-templates-"));
  writeFileSync(
    join(dir, "eventsource.yaml"),
    `apiVersion: argoproj.io/v1alpha1\nkind: EventSource\nmetadata: {name: orders}\nspec:\n  webhook:\n    placed: {port: "${port}", endpoint: /orders, method: POST}\n`,
  );
  writeFileSync(
    join(dir, "sensor.yaml"),
    [
      "apiVersion: argoproj.io/v1alpha1", "kind: Sensor", "metadata: {name: order-hooks}", "spec:",
      "  dependencies: [{name: order, eventSourceName: orders, eventName: placed}]", "  triggers:",
      "    - template:", "        name: notify", "        http:", `          url: ${sink.url}/orders`, "      messageTemplate: order-placed",
    ].join("\n") + "\n",
  );
  writeFileSync(
    join(dir, "templates.yaml"),
    ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: impulse-notification-templates}", "data:", "  template.order-placed: |", "    http:", "      body: |", `        ${body}`].join("\n") + "\n",
  );
  return dir;
}

it("impulse dev renders the template from the ConfigMap among its files", async () => {
  const port = await freePort();
  const dir = files(port, '{"order": {{ toJson .Input.body.id }}, "total": {{ .Input.body.total }}, "shout": {{ upper .Input.body.id | toJson }}}');
  const p = spawnCli(["dev", dir, "--nats-url", nats.url, "--namespace", "dev-templates", "--metrics-port", "0", "--no-api", "--log-level", "warn"]);
  started.push(p);
  // The banner comes once every runtime started (the Sensor's durable exists): an event posted after it is never missed.
  await waitFor("the banner", () => {
    if (p.proc.exitCode !== null) throw new Error("impulse dev exited:\n" + p.output());
    return /Metrics: http:\/\/localhost:\d+\/metrics/.test(p.output());
  }, 60_000);
  const r = await request(`http://127.0.0.1:${port}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "o-1", total: 42 }) });
  await r.body.dump();
  assert.equal(r.statusCode, 200);
  const got = await waitFor("the rendered body", () => sink.received.find((r) => r.path === "/orders"), 30_000);
  assert.deepEqual(got.json, { order: "o-1", total: 42, shout: "O-1" });
});

it("impulse dev and impulse lint refuse a template calling a function that does not exist, naming the key and field", async () => {
  const dir = files(await freePort(), '{"order": {{ toJsn .Input.body.id }}}');
  const dev = runCli(["dev", dir, "--nats-url", nats.url, "--namespace", "dev-templates-bad", "--metrics-port", "0", "--no-api"]);
  assert.equal(dev.status, 1, dev.stdout + dev.stderr);
  assert.match(dev.stdout + dev.stderr, /data\["template\.order-placed"\]\.http\.body: function "toJsn" not defined \(did you mean "toJson"\?\)/);
  const lint = runCli(["lint", dir]);
  assert.equal(lint.status, 1);
  assert.match(lint.stdout, /ConfigMap\/impulse-notification-templates: error: data\["template\.order-placed"\]\.http\.body: function "toJsn" not defined/);
  assert.match(lint.stdout, /spec\.triggers\[0\]\.messageTemplate: message template "order-placed" not found/);
});
