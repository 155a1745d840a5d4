// `impulse events send/ls/get/tail` as a user runs them, against a real nats-server with a Sensor at work.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { execFile } from "node:child_process";
import { cliMain, repoRoot, spawnCli, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let hookPort: number;
const started: Started[] = [];
const ns = "cli";

before(async () => {
  nats = await startNats();
  sink = await startSink();
  const hook = await startWebhook(nats.url, ns, "orders", "created");
  hookPort = hook.port;
  started.push(hook);
  const dep = { name: "order", eventSourceName: "orders", eventName: "created", filters: { data: [{ path: "body.amount", type: "number", comparator: ">", value: ["100"] }] } };
  started.push(await startSensor(nats.url, ns, sensor("shop", { dependencies: [dep], triggers: [{ template: { name: "post", http: { url: `${sink.url}/cli` } } }] })));
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await nats.stop();
});

/** Runs the CLI without blocking this process: the webhook and the Sensor it talks to run here. */
function runCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [cliMain, ...args], { cwd: repoRoot, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }),
    ),
  );
}
const events = (...args: string[]) => runCli(["events", ...args, "--nats-url", nats.url, "--namespace", ns]);
const json = <T>(r: { status: number; stdout: string; stderr: string }): T => {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};

describe("impulse events", () => {
  it("send --wait prints the id and what the Sensor did; get shows the same journey with the data", async () => {
    const r = json<{ id: string; journey: { sensors: { firing?: { outcome: string } }[] } }>(
      await events("send", "--source", "orders", "--event", "created", "--data", '{"header":{},"body":{"amount":200}}', "--wait", "--json"),
    );
    assert.equal(r.journey.sensors[0]!.firing!.outcome, "succeeded");
    const get = await events("get", r.id);
    assert.equal(get.status, 0, get.stderr);
    assert.match(get.stdout, /ingest: orders\/created .*via impulse events send/);
    assert.match(get.stdout, /dependency order: matched/);
    assert.match(get.stdout, /outcome: succeeded after 1 attempt/);
    assert.match(get.stdout, /"amount": 200/);
    const dry = await events("replay", "--sensor", "shop", "--ids", r.id, "--dry-run");
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`${r.id}  shop/post  would-fire`));
    assert.match(dry.stdout, /dry run of 1 \(replay [0-9a-f-]+\): 1 would-fire/);
    const again = json<{ counts: Record<string, number> }>(await events("replay", "--sensor", "shop", "--trigger", "post", "--ids", r.id, "--json"));
    assert.deepEqual(again.counts, { succeeded: 1 });
  });

  it("send --webhook posts to the running webhook; ls filters by outcome, sensor and source", async () => {
    const sent = await events("send", "--webhook", `http://127.0.0.1:${hookPort}/e`, "--data", '{"amount":3}');
    assert.equal(sent.status, 0, sent.stderr);
    const id = sent.stdout.trim();
    assert.match(id, /^[0-9a-f]{32}$/);
    const filtered = await waitFor("the filtered verdict", async () => {
      const page = json<{ items: { eventId: string; reasons?: string[] }[] }>(await events("ls", "--sensor", "shop", "--outcome", "filtered", "--json"));
      return page.items.find((i) => i.eventId === id);
    });
    assert.match(filtered.reasons![0]!, /^order: .*body\.amount/);
    const all = json<{ items: { eventId: string }[] }>(await events("ls", "--source", "orders", "--since", "1h", "--json"));
    assert.ok(all.items.some((i) => i.eventId === id));
    assert.deepEqual(json<{ items: unknown[] }>(await events("ls", "--source", "nobody", "--json")).items, []);
    const table = await events("ls", "--sensor", "shop");
    assert.match(table.stdout, /SENSOR\/TRIGGER/);
    assert.match(table.stdout, new RegExp(`${id} .*shop/post .*filtered`));
  });

  it("tail shows new records live, with the same filters", async () => {
    let tail: CliProcess | undefined;
    try {
      tail = spawnCli(["events", "tail", "--sensor", "shop", "--nats-url", nats.url, "--namespace", ns]);
      // The tail starts from new records: send until one shows up (the first may come before it subscribed).
      const seen = await waitFor("a live firing line", async () => {
        await events("send", "--source", "orders", "--event", "created", "--data", '{"header":{},"body":{"amount":400}}');
        return /shop\/post {2}succeeded after 1 attempt/.test(tail!.output()) || undefined;
      });
      assert.equal(seen, true);
      assert.doesNotMatch(tail.output(), /stored #/, "ingest records are not the Sensor's");
    } finally {
      await tail?.stop("SIGINT");
    }
  });

  it("names what is wrong: unknown id (exit 3), no journal (exit 4), unreachable bus (exit 1), bad flags (exit 2)", async () => {
    const unknown = await events("get", "0000");
    assert.equal(unknown.status, 3);
    assert.match(unknown.stderr, /no event 0000 in the journal/);
    const noJournal = await runCli(["events", "ls", "--nats-url", nats.url, "--namespace", "nobody-here", "--json"]);
    assert.equal(noJournal.status, 4);
    assert.equal((JSON.parse(noJournal.stderr) as { error: { code: string } }).error.code, "JOURNAL_UNAVAILABLE");
    const down = await runCli(["events", "ls", "--nats-url", "nats://127.0.0.1:1"]);
    assert.equal(down.status, 1);
    assert.match(down.stderr, /event bus not reachable at nats:\/\/127\.0\.0\.1:1/);
    const bad = await events("ls", "--since", "yesterday");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--since yesterday/);
  });
});
