// The slack, stripe and gerrit examples (manifests/examples/*), run as pods run them, with requests signed as the
// senders sign them and registration against the kit's local Stripe and Gerrit servers.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startGerrit, type GerritServer } from "../../kit/gerrit-api.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { startStripeApi, type StripeApiServer } from "../../kit/stripe-api.js";
import { waitFor } from "../../kit/wait.js";
import { post } from "../../kit/webhook-post.js";

let nats: NatsServer;
let sink: Sink;
let stripeApi: StripeApiServer;
let gerrit: GerritServer;
const procs: CliProcess[] = [];
const STRIPE_KEY = "sk_test_example_key_0001";

before(async () => {
  [nats, sink, stripeApi, gerrit] = await Promise.all([
    startNats(),
    startSink(),
    startStripeApi({ apiKey: STRIPE_KEY }),
    startGerrit({ users: { impulse: "http-pw" }, admins: ["impulse"], projects: ["platform/api", "platform/web"] }),
  ]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await gerrit.close();
  await stripeApi.close();
  await sink.close();
  await nats.stop();
});

async function run(example: string, replace: { es: [string, string][]; sensor: [string, string][] }, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), `impulse-${example}-example-`));
  const from = join(repoRoot, "manifests/examples", example);
  adaptExample(join(from, "eventsource.yaml"), join(dir, "eventsource.yaml"), replace.es);
  adaptExample(join(from, "sensor.yaml"), join(dir, "sensor.yaml"), replace.sensor);
  const common = ["--nats-url", nats.url, "--namespace", `${example}-example`, "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  return startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, env);
}

it("slack: a signed app_mention reaches the ops service; other messages do not", async () => {
  const port = await freePort();
  await run("slack", { es: [['"12000"', `"${port}"`]], sensor: [["http://localhost:8090", sink.url]] }, { IMPULSE_SECRET_SLACK_APP_SIGNING_SECRET: "slack-signing-secret" });
  const send = (doc: unknown) => {
    const body = JSON.stringify(doc);
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = "v0=" + createHmac("sha256", "slack-signing-secret").update(`v0:${ts}:${body}`).digest("hex");
    return post(`http://127.0.0.1:${port}/slack/events`, body, { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": sig });
  };
  assert.equal((await send({ type: "event_callback", event_id: "Ev1", event: { type: "message", user: "U1", text: "hello" } })).status, 200);
  assert.equal((await send({ type: "event_callback", event_id: "Ev2", event: { type: "app_mention", user: "U2", text: "<@B1> deploy" } })).status, 200);
  const call = await waitFor("the mention", () => sink.received.find((r) => r.path === "/mentions"));
  assert.deepEqual(call.json, { user: "U2", text: "<@B1> deploy", team: "ops", slackEventId: "Ev2" });
});

it("stripe: the endpoint is created through the Stripe API, and a paid invoice Stripe delivers reaches fulfilment", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const es = await run(
    "stripe",
    {
      es: [
        ['"12000"', `"${port}"`],
        ["url: https://hooks.example.com", `url: ${base}`],
        ["apiBaseURL: https://api.stripe.com", `apiBaseURL: ${stripeApi.url}`],
      ],
      sensor: [["http://localhost:8090", sink.url]],
    },
    { IMPULSE_SECRET_STRIPE_API_KEY: STRIPE_KEY },
  );
  const endpoint = await waitFor("the endpoint", () => [...stripeApi.endpoints.values()].find((e) => e.url === `${base}/stripe/invoices`)).catch((e: Error) => {
    throw new Error(`${e.message}; stripe requests ${JSON.stringify(stripeApi.requests)}; eventsource output: ${es.output()}`);
  });
  assert.deepEqual(endpoint.enabled_events, ["invoice.paid"]);
  const invoice = { id: "in_1", object: "invoice", amount_paid: 4200 };
  const delivered = await waitFor("accepted (once the secret is known)", async () => {
    const r = await stripeApi.deliver({ id: "evt_paid_1", type: "invoice.paid", data: { object: invoice } });
    return r[0]?.status === 200 && r;
  });
  assert.equal(delivered.length, 1);
  const call = await waitFor("fulfilment called", () => sink.received.find((r) => r.path === "/fulfil"));
  assert.deepEqual(call.json, { invoice: "in_1", amount: 4200, stripeEventId: "evt_paid_1" });
});

it("gerrit: the remotes are registered, a new patch set starts a build, and stopping deletes the remotes", async () => {
  const port = await freePort();
  const es = await run(
    "gerrit",
    {
      es: [
        ["url: http://impulse-gerrit.ci.svc:13000", `url: http://127.0.0.1:${port}`],
        ['"13000"', `"${port}"`],
        ["gerritBaseURL: https://gerrit.example.com/", `gerritBaseURL: ${gerrit.url}`],
      ],
      sensor: [["http://localhost:8090", sink.url]],
    },
    { IMPULSE_SECRET_GERRIT_ACCESS_USERNAME: "impulse", IMPULSE_SECRET_GERRIT_ACCESS_PASSWORD: "http-pw" },
  );
  await waitFor("both remotes", () => ["platform/api", "platform/web"].every((p) => gerrit.remotes.get(p)!.has("impulse")));
  assert.deepEqual(gerrit.remotes.get("platform/web")!.get("impulse"), { url: `http://127.0.0.1:${port}/gerrit`, events: ["patchset-created", "change-merged"] });
  const event = { type: "patchset-created", change: { project: "platform/web", number: 7 }, patchSet: { number: 2, ref: "refs/changes/07/7/2" }, eventCreatedOn: 1700000000 };
  assert.deepEqual(await gerrit.deliver("platform/web", event), [200]);
  assert.deepEqual(await gerrit.deliver("platform/web", { type: "change-merged", change: { project: "platform/web" }, eventCreatedOn: 1700000100 }), [200]);
  const call = await waitFor("the build", () => sink.received.find((r) => r.path === "/build"));
  assert.deepEqual(call.json, { project: "platform/web", ref: "refs/changes/07/7/2" });
  await es.stop();
  assert.equal(gerrit.remotes.get("platform/api")!.has("impulse") || gerrit.remotes.get("platform/web")!.has("impulse"), false, "deleted on stop");
  assert.equal(sink.received.filter((r) => r.path === "/build").length, 1, "the merge did not start a build");
});
