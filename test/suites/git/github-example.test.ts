// The github example, run as pods run it (`impulse eventsource` and `impulse sensor` processes), against the local GitHub API.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startGithubApi, type GithubApiServer } from "../../kit/github-api.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let api: GithubApiServer;
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
  api = await startGithubApi({ tokens: ["ghp_example"], repositories: ["acme/shop", "acme/billing"] });
});
after(async () => {
  for (const p of procs) await p.stop();
  await api.close();
  await sink.close();
  await nats.stop();
});

it("registers the hooks, turns a signed push to main into a deploy call, and deletes the hooks on stop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-github-example-"));
  const port = await freePort();
  const example = join(repoRoot, "manifests/examples/github");
  writeFileSync(
    join(dir, "eventsource.yaml"),
    readFileSync(join(example, "eventsource.yaml"), "utf8")
      .replace('port: "12000"', `port: "${port}"`)
      .replace("deleteHookOnFinish: true", `deleteHookOnFinish: true\n      githubBaseURL: ${api.url}\n      githubUploadURL: ${api.url}`),
  );
  writeFileSync(join(dir, "sensor.yaml"), readFileSync(join(example, "sensor.yaml"), "utf8").replace("http://localhost:8091/deploy", `${sink.url}/deploy`));
  const common = ["--nats-url", nats.url, "--namespace", "github-example", "--log-level", "warn"];
  const secrets = { IMPULSE_SECRET_GITHUB_ACCESS_TOKEN: "ghp_example", IMPULSE_SECRET_GITHUB_ACCESS_SECRET: "s3cret" };
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, secrets);

  // Healthy means registered: both repositories have the hook with the secret.
  for (const repo of ["acme/shop", "acme/billing"]) assert.equal(api.hooks.get(repo)?.[0]?.config.secret, "s3cret");
  assert.equal(api.hooks.get("acme/shop")![0]!.config.url, "https://hooks.example.com/push");

  const send = async (ref: string, delivery: string) => {
    const body = JSON.stringify({ ref, after: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", repository: { full_name: "acme/shop" } });
    const sig = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
    const headers = { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": delivery, "x-hub-signature-256": sig };
    const r = await request(`http://127.0.0.1:${port}/push`, { method: "POST", headers, body });
    assert.equal(r.statusCode, 200);
    await r.body.dump();
  };
  await send("refs/heads/feature", "d-feature");
  await send("refs/heads/main", "d-main");
  const call = await waitFor("the deploy call", () => sink.received.find((r) => r.path === "/deploy"));
  assert.deepEqual(call.json, { repository: "acme/shop", commit: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", delivery: "d-main" });

  await es.stop();
  assert.deepEqual([api.hooks.get("acme/shop"), api.hooks.get("acme/billing")], [[], []]);
  assert.equal(sink.received.filter((r) => r.path === "/deploy").length, 1);
});
