// The gitlab example, run as pods run it (`impulse eventsource` and `impulse sensor` processes), against the local GitLab API.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startGitlabApi, type GitlabApiServer } from "../../kit/gitlab-api.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let api: GitlabApiServer;
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
  api = await startGitlabApi({ tokens: ["glpat-example"], projects: [{ id: 7, path: "acme/shop" }] });
});
after(async () => {
  for (const p of procs) await p.stop();
  await api.close();
  await sink.close();
  await nats.stop();
});

it("registers the hook, turns a merged merge request into a release call, and deletes the hook on stop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-gitlab-example-"));
  const port = await freePort();
  const example = join(repoRoot, "manifests/examples/gitlab");
  writeFileSync(join(dir, "eventsource.yaml"), readFileSync(join(example, "eventsource.yaml"), "utf8").replace('port: "12000"', `port: "${port}"`).replace("https://gitlab.com", api.url));
  writeFileSync(join(dir, "sensor.yaml"), readFileSync(join(example, "sensor.yaml"), "utf8").replace("http://localhost:8092/release", `${sink.url}/release`));
  const common = ["--nats-url", nats.url, "--namespace", "gitlab-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, { IMPULSE_SECRET_GITLAB_ACCESS_TOKEN: "glpat-example", IMPULSE_SECRET_GITLAB_ACCESS_SECRET: "t0ken" });
  const hook = api.hooks.get("project:7")![0]!;
  assert.deepEqual([hook.url, hook.token, hook["push_events"], hook["merge_requests_events"], hook.enable_ssl_verification], ["https://hooks.example.com/gitlab", "t0ken", true, true, true]);

  const send = async (kind: string, body: unknown, token = "t0ken") => {
    const r = await request(`http://127.0.0.1:${port}/gitlab`, { method: "POST", headers: { "content-type": "application/json", "x-gitlab-event": kind, "x-gitlab-token": token }, body: JSON.stringify(body) });
    await r.body.dump();
    return r.statusCode;
  };
  const mr = (action: string) => ({ object_kind: "merge_request", project: { path_with_namespace: "acme/shop" }, object_attributes: { iid: 42, action } });
  assert.equal(await send("Merge Request Hook", mr("open")), 200);
  assert.equal(await send("Merge Request Hook", mr("merge"), "wrong"), 403);
  assert.equal(await send("Merge Request Hook", mr("merge")), 200);
  const call = await waitFor("the release call", () => sink.received.find((r) => r.path === "/release"));
  assert.deepEqual(call.json, { project: "acme/shop", mergeRequest: 42 });

  await es.stop();
  assert.deepEqual(api.hooks.get("project:7"), []);
  assert.equal(sink.received.filter((r) => r.path === "/release").length, 1);
});
