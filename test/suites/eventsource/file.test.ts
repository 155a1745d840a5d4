// The file EventSource as a real process on the local filesystem: each operation, Argo's data, polling, and a restart.
import assert from "node:assert/strict";
import { appendFileSync, chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
const procs: CliProcess[] = [];
const closers: { stop(): Promise<void> }[] = [];
const root = mkdtempSync(join(tmpdir(), "impulse-file-"));
const NS = "files";

before(async () => {
  nats = await startNats();
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const c of closers) await c.stop();
  await nats.stop();
  rmSync(root, { recursive: true, force: true });
});

function specFile(name: string, events: Record<string, unknown>): string {
  const f = join(root, `${name}.json`);
  writeFileSync(f, JSON.stringify({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name }, spec: { file: events } }));
  return f;
}

async function start(file: string): Promise<CliProcess> {
  return startRuntime("eventsource", file, ["--nats-url", nats.url, "--namespace", NS, "--log-level", "warn"], procs);
}

async function taps(es: string, names: string[]): Promise<Record<string, Tap>> {
  const out: Record<string, Tap> = {};
  for (const n of names) closers.push((out[n] = await tapBus(nats.url, NS, es, n)));
  return out;
}

const data = (t: Tap) => t.events.map((e) => e.data as { name: string; op: number; metadata?: unknown });

describe("file EventSource", () => {
  it("reports CREATE, WRITE, CHMOD, RENAME and REMOVE with Argo's data (full name, fsnotify op bit), only for matching names", async () => {
    const dir = mkdtempSync(join(root, "ops-"));
    writeFileSync(join(dir, "old.txt"), "there before the start");
    const watch = (eventType: string) => ({ eventType, watchPathConfig: { directory: `${dir}/`, pathRegexp: "^[a-z]+\\.txt$" }, metadata: { team: "data" } });
    const names = ["created", "written", "chmodded", "renamed", "removed"];
    const t = await taps("inbox", names);
    await start(specFile("inbox", { created: watch("CREATE"), written: watch("WRITE"), chmodded: watch("CHMOD"), renamed: watch("RENAME"), removed: watch("REMOVE") }));

    writeFileSync(join(dir, "skip.log"), "not matching");
    writeFileSync(join(dir, "new.txt"), "");
    await waitFor("CREATE", () => t["created"]!.events.length === 1);
    appendFileSync(join(dir, "new.txt"), "hello");
    await waitFor("WRITE", () => t["written"]!.events.length >= 1);
    chmodSync(join(dir, "new.txt"), 0o600);
    await waitFor("CHMOD", () => t["chmodded"]!.events.length === 1);
    renameSync(join(dir, "new.txt"), join(dir, "moved.txt"));
    await waitFor("RENAME and the new name's CREATE", () => t["renamed"]!.events.length === 1 && t["created"]!.events.length === 2);
    rmSync(join(dir, "moved.txt"));
    await waitFor("REMOVE", () => t["removed"]!.events.length === 1);

    assert.deepEqual(data(t["created"]!), [
      { name: join(dir, "new.txt"), op: 1, metadata: { team: "data" } },
      { name: join(dir, "moved.txt"), op: 1, metadata: { team: "data" } },
    ], "no event for old.txt (there before the first start) nor skip.log (not matching)");
    assert.deepEqual(data(t["written"]!).map((d) => [d.name, d.op]), data(t["written"]!).map(() => [join(dir, "new.txt"), 2]));
    assert.deepEqual(data(t["chmodded"]!).map((d) => [d.name, d.op]), [[join(dir, "new.txt"), 16]]);
    assert.deepEqual(data(t["renamed"]!).map((d) => [d.name, d.op]), [[join(dir, "new.txt"), 8]]);
    assert.deepEqual(data(t["removed"]!).map((d) => [d.name, d.op]), [[join(dir, "moved.txt"), 4]]);
    assert.equal(t["created"]!.events[0]!.type, "file");
  });

  it("polling mode (for network file systems) sees the same changes without inotify", async () => {
    const dir = mkdtempSync(join(root, "poll-"));
    const t = await taps("nfs", ["created"]);
    await start(specFile("nfs", { created: { eventType: "CREATE", polling: true, watchPathConfig: { directory: dir, path: "ready.flag" } } }));
    writeFileSync(join(dir, "other.flag"), "");
    writeFileSync(join(dir, "ready.flag"), "");
    await waitFor("CREATE by polling", () => t["created"]!.events.length === 1);
    assert.deepEqual(data(t["created"]!), [{ name: join(dir, "ready.flag"), op: 1 }]);
  });

  it("after SIGKILL, a restart reports the changes made while it was down (from the listing in the KV store), and nothing twice", async () => {
    const dir = mkdtempSync(join(root, "restart-"));
    const t = await taps("drop", ["created", "removed"]);
    const spec = specFile("drop", {
      created: { eventType: "CREATE", watchPathConfig: { directory: dir, pathRegexp: "\\.csv$" } },
      removed: { eventType: "REMOVE", watchPathConfig: { directory: dir, pathRegexp: "\\.csv$" } },
    });
    const first = await start(spec);
    writeFileSync(join(dir, "a.csv"), "1");
    await waitFor("a.csv", () => t["created"]!.events.length === 1);
    await first.stop("SIGKILL");
    writeFileSync(join(dir, "b.csv"), "2");
    rmSync(join(dir, "a.csv"));
    await start(spec);
    await waitFor("the changes made while down", () => t["created"]!.events.length === 2 && t["removed"]!.events.length === 1);
    writeFileSync(join(dir, "c.csv"), "3");
    await waitFor("c.csv", () => t["created"]!.events.length === 3);
    assert.deepEqual(data(t["created"]!).map((d) => d.name), ["a.csv", "b.csv", "c.csv"].map((f) => join(dir, f)));
    assert.deepEqual(data(t["removed"]!).map((d) => d.name), [join(dir, "a.csv")]);
  });

  it("a new pattern starts from a fresh listing: the files the old pattern tracked are not reported as removed", async () => {
    const dir = mkdtempSync(join(root, "repattern-"));
    const t = await taps("swap", ["created", "removed"]);
    const spec = (re: string) =>
      specFile("swap", {
        created: { eventType: "CREATE", watchPathConfig: { directory: dir, pathRegexp: re } },
        removed: { eventType: "REMOVE", watchPathConfig: { directory: dir, pathRegexp: re } },
      });
    const first = await start(spec("\\.csv$"));
    writeFileSync(join(dir, "a.csv"), "1");
    await waitFor("a.csv", () => t["created"]!.events.length === 1);
    await first.stop();
    writeFileSync(join(dir, "b.tsv"), "there before the new pattern");
    await start(spec("\\.tsv$"));
    writeFileSync(join(dir, "c.tsv"), "2");
    await waitFor("c.tsv", () => t["created"]!.events.length === 2);
    assert.deepEqual(data(t["created"]!).map((d) => d.name), [join(dir, "a.csv"), join(dir, "c.tsv")]);
    assert.equal(t["removed"]!.events.length, 0);
  });
});
