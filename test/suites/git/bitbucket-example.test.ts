// The bitbucket (Cloud) example, run as pods run it (`impulse eventsource` and `impulse sensor` processes), against the local Bitbucket Cloud API.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startBitbucketApi, type BitbucketApiServer } from "../../kit/bitbucket-api.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let api: BitbucketApiServer;
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
  api = await startBitbucketApi({ basic: ["ann", "app-pass"], repositories: ["acme/web"] });
});
after(async () => {
  for (const p of procs) await p.stop();
  await api.close();
  await sink.close();
  await nats.stop();
});

it("registers the hook, turns a signed push into a call, and deletes the hook on stop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-bitbucket-example-"));
  const port = await freePort();
  const example = join(repoRoot, "manifests/examples/bitbucket");
  writeFileSync(
    join(dir, "eventsource.yaml"),
    readFileSync(join(example, "eventsource.yaml"), "utf8").replace('port: "12000"', `port: "${port}"`).replace("deleteHookOnFinish: true", `deleteHookOnFinish: true\n      bitbucketBaseURL: ${api.url}`),
  );
  writeFileSync(join(dir, "sensor.yaml"), readFileSync(join(example, "sensor.yaml"), "utf8").replace("http://localhost:8094/pushed", `${sink.url}/pushed`));
  const common = ["--nats-url", nats.url, "--namespace", "bitbucket-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const secrets = { IMPULSE_SECRET_BITBUCKET_ACCESS_USERNAME: "ann", IMPULSE_SECRET_BITBUCKET_ACCESS_PASSWORD: "app-pass", IMPULSE_SECRET_BITBUCKET_ACCESS_SECRET: "s3cret" };
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, secrets);
  assert.equal(api.hooks.get("acme/web")?.[0]?.url, "https://hooks.example.com/bitbucket");

  const body = JSON.stringify({ repository: { full_name: "acme/web" }, push: { changes: [{ new: { name: "main", type: "branch" } }] } });
  const headers = { "content-type": "application/json", "x-event-key": "repo:push", "x-request-uuid": crypto.randomUUID(), "x-hub-signature": `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}` };
  const r = await request(`http://127.0.0.1:${port}/bitbucket`, { method: "POST", headers, body });
  await r.body.dump();
  assert.equal(r.statusCode, 200);
  const call = await waitFor("the call", () => sink.received.find((x) => x.path === "/pushed"));
  assert.deepEqual(call.json, { repository: "acme/web", branch: "main" });

  await es.stop();
  assert.deepEqual(api.hooks.get("acme/web"), []);
});
