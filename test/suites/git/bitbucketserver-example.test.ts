// The bitbucketserver example, run as pods run it (`impulse eventsource` and `impulse sensor` processes), against the local Bitbucket Server API.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startBitbucketServerApi, type BitbucketServerApiServer } from "../../kit/bitbucketserver-api.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let api: BitbucketServerApiServer;
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
  api = await startBitbucketServerApi({ tokens: ["BBDC-example"], repositories: ["SHOP/web", "SHOP/api"] });
});
after(async () => {
  for (const p of procs) await p.stop();
  await api.close();
  await sink.close();
  await nats.stop();
});

it("hooks every repository of the project, turns a signed tag push into a build call, and deletes the hooks on stop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-bbs-example-"));
  const port = await freePort();
  const example = join(repoRoot, "manifests/examples/bitbucketserver");
  writeFileSync(join(dir, "eventsource.yaml"), readFileSync(join(example, "eventsource.yaml"), "utf8").replace('port: "12000"', `port: "${port}"`).replace("https://bitbucket.example.com/rest", api.url));
  writeFileSync(join(dir, "sensor.yaml"), readFileSync(join(example, "sensor.yaml"), "utf8").replace("http://localhost:8093/build", `${sink.url}/build`));
  const common = ["--nats-url", nats.url, "--namespace", "bbs-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, { IMPULSE_SECRET_BITBUCKET_ACCESS_TOKEN: "BBDC-example", IMPULSE_SECRET_BITBUCKET_ACCESS_SECRET: "s3cret" });
  for (const repo of ["SHOP/web", "SHOP/api"]) assert.equal(api.hooks.get(repo)?.[0]?.url, "https://hooks.example.com/bitbucket", repo);

  const push = async (type: string, displayId: string) => {
    const body = JSON.stringify({ eventKey: "repo:refs_changed", repository: { slug: "web", project: { key: "SHOP" } }, changes: [{ ref: { id: `refs/tags/${displayId}`, displayId, type }, type: "ADD" }] });
    const headers = { "content-type": "application/json", "x-event-key": "repo:refs_changed", "x-request-id": crypto.randomUUID(), "x-hub-signature": `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}` };
    const r = await request(`http://127.0.0.1:${port}/bitbucket`, { method: "POST", headers, body });
    await r.body.dump();
    assert.equal(r.statusCode, 200);
  };
  await push("BRANCH", "main");
  await push("TAG", "v1.2.0");
  const call = await waitFor("the build call", () => sink.received.find((r) => r.path === "/build"));
  assert.deepEqual(call.json, { repository: "web", tag: "v1.2.0" });

  await es.stop();
  assert.deepEqual([api.hooks.get("SHOP/web"), api.hooks.get("SHOP/api")], [[], []]);
});
