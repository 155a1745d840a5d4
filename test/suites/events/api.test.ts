// The HTTP API (docs/api.md) against a real nats-server with a running webhook EventSource and Sensor: list with
// pagination, get, tail as server-sent events, send, replay, redrive, and its error bodies and statuses.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { JournalClient, type NatsServer } from "@impulse/bus";
import { startApiServer, type ApiServer } from "../../../cli/src/api/serve.js";
import { repoRoot, runCli, spawnCli } from "../../kit/cli.js";
import { bashCommands } from "../../kit/doc-commands.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const NS = "api";
let nats: NatsServer;
let sink: Sink;
let api: ApiServer;
let journal: JournalClient;
let hookSend: (body: unknown) => Promise<string>;
const started: Started[] = [];

const dep = { name: "order", eventSourceName: "orders", eventName: "created", filters: { data: [{ path: "body.amount", type: "number", comparator: ">", value: ["100"] }] } };
const trigger = {
  template: { name: "post", http: { url: "", payload: [{ src: { dependencyName: "order", dataKey: "body.n" }, dest: "n" }] } },
  retryStrategy: { steps: 1 },
  policy: { status: { allow: [200] } },
};

before(async () => {
  nats = await startNats();
  sink = await startSink();
  const hook = await startWebhook(nats.url, NS, "orders", "created");
  started.push(hook);
  hookSend = hook.send;
  trigger.template.http.url = `${sink.url}/api`;
  started.push(await startSensor(nats.url, NS, sensor("shop", { dependencies: [dep], triggers: [trigger] })));
  journal = await JournalClient.connect({ url: nats.url, namespace: NS, busName: "default", reconnectForever: true });
  api = await startApiServer({ journal, host: "127.0.0.1", port: 0 });
});
after(async () => {
  await api?.close();
  await journal?.close();
  for (const s of started.reverse()) await s.stop();
  await sink?.close();
  await nats?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(api.url + path, { method, ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: await res.json() };
}

const firingOf = async (id: string) => (await call("GET", `/api/v1/events/${id}`)).json?.sensors?.[0]?.firing?.outcome as string | undefined;

/** Reads server-sent events until `until` says stop; returns them as { event, id, data }. */
async function readSse(res: Response, until: (e: { event: string; id?: string; data: any }) => boolean): Promise<{ event: string; id?: string; data: any }[]> {
  const out: { event: string; id?: string; data: any }[] = [];
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of res.body!) {
    buf += decoder.decode(chunk as Uint8Array, { stream: true });
    let end;
    while ((end = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const fields = Object.fromEntries(block.split("\n").filter((l) => !l.startsWith(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
      if (!fields["event"]) continue;
      const e = { event: fields["event"], ...(fields["id"] ? { id: fields["id"] } : {}), data: JSON.parse(fields["data"] ?? "null") };
      out.push(e);
      if (until(e)) return out;
    }
  }
  return out;
}

describe("HTTP API", () => {
  it("sends an event (201 with its id), gets its journey, and lists events page by page with a cursor", async () => {
    const sent = await call("POST", "/api/v1/events", { source: "orders", subject: "created", data: { header: {}, body: { amount: 200, n: 1 } } });
    assert.equal(sent.status, 201);
    assert.ok(sent.json.id && sent.json.sequence > 0);
    await waitFor("the firing", async () => (await firingOf(sent.json.id)) === "succeeded");
    const j = await call("GET", `/api/v1/events/${sent.json.id}`);
    assert.equal(j.json.eventId, sent.json.id);
    assert.deepEqual(j.json.data.data, { header: {}, body: { amount: 200, n: 1 } });
    const second = await hookSend({ amount: 5, n: 2 });
    await waitFor("the filtered verdict", async () => (await call("GET", `/api/v1/events?sensor=shop&outcome=filtered`)).json.items.some((r: { eventId: string }) => r.eventId === second));
    const page1 = await call("GET", "/api/v1/events?source=orders&limit=1");
    assert.equal(page1.status, 200);
    assert.equal(page1.json.items.length, 1);
    assert.equal(page1.json.items[0].eventId, sent.json.id);
    assert.ok(page1.json.next, "a next cursor");
    const page2 = await call("GET", `/api/v1/events?source=orders&limit=1&cursor=${page1.json.next}`);
    assert.equal(page2.json.items[0].eventId, second);
    const filtered = (await call("GET", `/api/v1/events?sensor=shop&outcome=filtered`)).json.items.find((r: { eventId: string }) => r.eventId === second);
    assert.match(filtered.reasons[0], /body\.amount/);
  });

  it("tails the journal as server-sent events: ready, then each new record with its journal sequence as id", async () => {
    const ac = new AbortController();
    const res = await fetch(`${api.url}/api/v1/events/stream?sensor=shop`, { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    let id: string | undefined;
    const events = await readSse(res, (e) => {
      if (e.event === "ready") void hookSend({ amount: 300, n: 3 }).then((x) => (id = x));
      return e.event === "record" && e.data.kind === "firing";
    });
    ac.abort();
    const firing = events.at(-1)!;
    assert.equal(firing.data.outcome, "succeeded");
    assert.equal(firing.id, String(firing.data.seq));
    await waitFor("the event id", () => id !== undefined);
    assert.deepEqual(Object.values(firing.data.events), [id]);
    assert.ok(events.filter((e) => e.event === "record").every((e) => e.data.sensor === "shop"), "only the Sensor's records");
  });

  it("lists a failed firing under /firings?outcome=failed, redrives it after the target is fixed, and replays by id (dry run)", async () => {
    sink.respondWith(503);
    let id: string;
    try {
      id = await hookSend({ amount: 400, n: 4 });
      await waitFor("the given-up firing", async () => (await firingOf(id)) === "given-up");
    } finally {
      sink.respondWith(200);
    }
    const failed = await call("GET", "/api/v1/firings?outcome=failed");
    assert.deepEqual(failed.json.items.map((r: { eventId: string; status: string }) => [r.eventId, r.status]), [[id, "given-up"]]);
    const dry = await call("POST", "/api/v1/replays", { sensor: "shop", ids: [id], dryRun: true });
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.json.counts, { "would-fire": 1 });
    const r = await call("POST", "/api/v1/redrives", { eventId: id });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.firings.map((f: any) => [f.trigger, f.was, f.result?.status]), [["post", "given-up", "succeeded"]]);
    assert.equal(sink.received.at(-1)!.headers["impulse-replay"], r.json.replayId);
    await waitFor("the redrive's success", async () => (await firingOf(id)) === "succeeded");
    const again = await call("POST", "/api/v1/redrives", { eventId: id });
    assert.equal(again.status, 404);
    assert.equal(again.json.error.code, "NOT_FOUND");
    const replayed = await call("POST", "/api/v1/replays", { sensor: "shop", ids: [id] });
    assert.deepEqual(replayed.json.counts, { succeeded: 1 });
  });

  it("streams a replay's progress as server-sent events when asked (Accept: text/event-stream), then its result", async () => {
    const res = await fetch(`${api.url}/api/v1/replays`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ sensor: "shop", since: "1h", dryRun: true }),
    });
    assert.equal(res.status, 200);
    const events = await readSse(res, (e) => e.event === "result" || e.event === "error");
    const result = events.at(-1)!;
    assert.equal(result.event, "result", JSON.stringify(result.data));
    const progress = events.filter((e) => e.event === "progress").map((e) => e.data);
    assert.ok(result.data.items.length >= 3, "every event so far");
    assert.equal(progress.length, result.data.items.length, "one progress event per replayed event");
    assert.deepEqual(progress.at(-1), { done: result.data.items.length, total: result.data.items.length });
    const bad = await fetch(`${api.url}/api/v1/replays`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream" }, body: JSON.stringify({ sensor: "shop" }) });
    assert.equal(bad.status, 400, "bad input is still a JSON 400");
    assert.equal(((await bad.json()) as { error: { field: string } }).error.field, "ids");
  });

  it("answers bad input with 400 naming the field, unknown things with 404", async () => {
    const cases: [string, string, unknown, number, string | undefined][] = [
      ["GET", "/api/v1/events?limit=0", undefined, 400, "limit"],
      ["GET", "/api/v1/events?since=yesterday", undefined, 400, "since"],
      ["GET", "/api/v1/events?sensr=shop", undefined, 400, "sensr"],
      ["POST", "/api/v1/events", { subject: "created" }, 400, "source"],
      ["POST", "/api/v1/replays", { ids: ["x"] }, 400, "sensor"],
      ["POST", "/api/v1/replays", { sensor: "shop", ids: ["x"], dryrun: true }, 400, "dryrun"],
      ["POST", "/api/v1/redrives", {}, 400, "eventId"],
      ["GET", "/api/v1/events/no-such-id", undefined, 404, undefined],
      ["GET", "/api/v1/nothing", undefined, 404, undefined],
    ];
    for (const [method, path, body, status, field] of cases) {
      const r = await call(method, path, body);
      assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.json)}`);
      assert.ok(r.json.error.code && r.json.error.message, `${method} ${path}: an error body`);
      assert.equal(r.json.error.field, field, `${method} ${path}`);
    }
    const notJson = await fetch(`${api.url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { field: string } }).error.field, "body");
    const unknownSensor = await call("POST", "/api/v1/replays", { sensor: "nobody", ids: [(await call("GET", "/api/v1/events?limit=1")).json.items[0].eventId] });
    assert.equal(unknownSensor.status, 404);
    assert.match(unknownSensor.json.error.message, /Sensor nobody is not running/);
  });

  it("runs the curl examples of docs/api.md as they are written", async () => {
    const lines = bashCommands(join(repoRoot, "docs", "api.md")).map((l) => (l.startsWith("IMPULSE_API=") ? `IMPULSE_API=${api.url}` : l));
    assert.ok(lines.length >= 6, lines.join("\n"));
    // Not spawnSync: the API answers from this process's event loop.
    const r = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", lines.join("\n")], { encoding: "utf8", timeout: 60_000 });
    assert.match(r.stdout, /"id":"doc-example-1"/);
    assert.match(r.stdout, /"would-fire":1/);
  });

  it("`impulse api` serves the same API as a process, refuses --auth none off loopback, and stops on SIGTERM", async () => {
    const refused = runCli(["api", "--auth", "none", "--listen-address", "0.0.0.0", "--nats-url", nats.url]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /--auth none listens on 127\.0\.0\.1 only/);
    const p = spawnCli(["api", "--auth", "none", "--port", "0", "--nats-url", nats.url, "--namespace", NS]);
    try {
      const m = await waitFor("the API line", () => {
        if (p.proc.exitCode !== null) throw new Error("impulse api exited:\n" + p.output());
        return /API: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1\/events/.exec(p.output()) ?? false;
      });
      const r = await fetch(`${m[1]}/api/v1/events?source=orders&limit=1`);
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { items: unknown[] }).items.length, 1);
    } finally {
      assert.equal(await p.stop("SIGTERM"), 0, p.output());
    }
  });

  it("answers 503 only when the bus is down", async () => {
    const other = await startNats();
    const j = await JournalClient.connect({ url: other.url, namespace: NS, busName: "default", reconnectForever: true });
    const down = await startApiServer({ journal: j, host: "127.0.0.1", port: 0 });
    try {
      const before = await fetch(`${down.url}/api/v1/events`);
      assert.equal(before.status, 404, "a bus without a journal is not down");
      assert.equal(((await before.json()) as { error: { code: string } }).error.code, "JOURNAL_UNAVAILABLE");
      await other.stop();
      await waitFor("the disconnect", () => !j.connected);
      const after = await fetch(`${down.url}/api/v1/events`);
      assert.equal(after.status, 503);
      assert.equal(((await after.json()) as { error: { code: string } }).error.code, "BUS_UNAVAILABLE");
      assert.equal((await fetch(`${down.url}/readyz`)).status, 503);
    } finally {
      await down.close();
      await j.close();
    }
  });
});
