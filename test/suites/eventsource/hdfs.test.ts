// The hdfs EventSource as a real process against a real HDFS (MiniDFSCluster over WebHDFS): each operation with
// Argo's data, subdirectories, NameNode failover, a restart that finds the changes made while it was down, the example.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startHdfs, type HdfsServer } from "../../kit/hdfs.js";
import { startNats } from "../../kit/nats.js";
import { startSink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let hdfs: HdfsServer;
const procs: CliProcess[] = [];
const closers: { stop(): Promise<void> }[] = [];
const root = mkdtempSync(join(tmpdir(), "impulse-hdfs-spec-"));
const NS = "hdfs";

before(async () => {
  [nats, hdfs] = await Promise.all([startNats(), startHdfs()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const c of closers) await c.stop();
  await hdfs?.stop();
  await nats?.stop();
  rmSync(root, { recursive: true, force: true });
});

function specFile(name: string, events: Record<string, unknown>): string {
  const f = join(root, `${name}.json`);
  writeFileSync(f, JSON.stringify({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name }, spec: { hdfs: events } }));
  return f;
}

const start = (file: string) => startRuntime("eventsource", file, ["--nats-url", nats.url, "--namespace", NS, "--log-level", "warn"], procs);

async function taps(es: string, names: string[]): Promise<Record<string, Tap>> {
  const out: Record<string, Tap> = {};
  for (const n of names) closers.push((out[n] = await tapBus(nats.url, NS, es, n)));
  return out;
}

const data = (t: Tap) => t.events.map((e) => e.data as { name: string; op: number; metadata?: unknown });

describe("hdfs EventSource", () => {
  it("reports CREATE, WRITE, CHMOD, RENAME and REMOVE under the directory and its subdirectories, with Argo's data, only for matching paths", async () => {
    await hdfs.mkdirs("/landing/in");
    await hdfs.write("/landing/old.csv", "there before the start");
    // A NameNode that is down first: the source fails over to the one that answers (as with HA).
    const dead = `127.0.0.1:${await freePort()}`;
    const watch = (type: string) => ({ directory: "/landing/", type, pathRegexp: "\\.csv$", checkInterval: "1s", addresses: [dead, hdfs.address], hdfsUser: "etl", metadata: { team: "data" } });
    const names = ["created", "written", "chmodded", "renamed", "removed"];
    const t = await taps("lake", names);
    await start(specFile("lake", { created: watch("CREATE"), written: watch("WRITE"), chmodded: watch("CHMOD"), renamed: watch("RENAME"), removed: watch("REMOVE") }));
    // Healthy (startRuntime waits for it) once the first listing, the baseline, is taken.
    await hdfs.write("/landing/skip.log", "not matching");
    await hdfs.write("/landing/in/a.csv", "1");
    await waitFor("CREATE in a subdirectory", () => t["created"]!.events.length === 1, 30_000);
    await hdfs.append("/landing/in/a.csv", "2");
    await waitFor("WRITE", () => t["written"]!.events.length >= 1, 30_000);
    await hdfs.chmod("/landing/in/a.csv", "600");
    await waitFor("CHMOD", () => t["chmodded"]!.events.length === 1, 30_000);
    await hdfs.rename("/landing/in/a.csv", "/landing/b.csv");
    await waitFor("RENAME", () => t["renamed"]!.events.length === 1, 30_000);
    await hdfs.remove("/landing/b.csv");
    await waitFor("REMOVE", () => t["removed"]!.events.length === 1, 30_000);

    assert.deepEqual(data(t["created"]!), [{ name: "/landing/in/a.csv", op: 1, metadata: { team: "data" } }], "no event for old.csv (there before the first start) nor skip.log");
    assert.deepEqual(data(t["written"]!).map((d) => [d.name, d.op & 2]), data(t["written"]!).map(() => ["/landing/in/a.csv", 2]));
    assert.deepEqual(data(t["chmodded"]!).map((d) => [d.name, d.op]), [["/landing/in/a.csv", 16]]);
    // As Argo's watcher: a rename is reported under the new path, and is not a CREATE.
    assert.deepEqual(data(t["renamed"]!).map((d) => [d.name, d.op]), [["/landing/b.csv", 8]]);
    assert.deepEqual(data(t["removed"]!).map((d) => [d.name, d.op]), [["/landing/b.csv", 4]]);
    assert.equal(t["created"]!.events.length, 1);
    assert.equal(t["created"]!.events[0]!.type, "hdfs");
  });

  it("after SIGKILL, a restart reports the changes made while it was down (from the listing in the KV store), and nothing twice", async () => {
    await hdfs.mkdirs("/drop");
    const t = await taps("drop", ["created", "removed"]);
    const entry = (type: string) => ({ directory: "/drop", type, path: "x/report.parquet", checkInterval: "1s", addresses: [hdfs.address] });
    const spec = specFile("drop", { created: entry("CREATE"), removed: entry("REMOVE") });
    const first = await start(spec);
    await hdfs.write("/drop/x/report.parquet", "v1");
    await waitFor("report.parquet", () => t["created"]!.events.length === 1, 30_000);
    await first.stop("SIGKILL");
    await hdfs.remove("/drop/x/report.parquet");
    await start(spec);
    await waitFor("the removal made while down", () => t["removed"]!.events.length === 1, 30_000);
    await hdfs.write("/drop/x/report.parquet", "v2");
    await waitFor("the new report", () => t["created"]!.events.length === 2, 30_000);
    assert.deepEqual(data(t["created"]!).map((d) => d.name), ["/drop/x/report.parquet", "/drop/x/report.parquet"]);
    assert.deepEqual(data(t["removed"]!).map((d) => d.name), ["/drop/x/report.parquet"]);
  });

  it("the example (manifests/examples/hdfs): each new Parquet file under the landing directory reaches the ingestion service", async () => {
    const sink = await startSink();
    closers.push({ stop: () => sink.close() });
    const example = join(repoRoot, "manifests/examples/hdfs");
    // The example's two HA NameNodes become a dead address and this cluster's: the source uses the one that answers.
    adaptExample(join(example, "eventsource.yaml"), join(root, "lake.yaml"), [
      ["namenode-0.hdfs.svc:9870", `127.0.0.1:${await freePort()}`],
      ["namenode-1.hdfs.svc:9870", hdfs.address],
      ["checkInterval: 30s", "checkInterval: 1s"],
    ]);
    adaptExample(join(example, "sensor.yaml"), join(root, "ingest.yaml"), [["http://localhost:8090/ingest", `${sink.url}/ingest`]]);
    const common = ["--nats-url", nats.url, "--namespace", "hdfs-example", "--log-level", "warn"];
    await hdfs.mkdirs("/warehouse/landing");
    await startRuntime("sensor", join(root, "ingest.yaml"), common, procs);
    await startRuntime("eventsource", join(root, "lake.yaml"), common, procs);

    await hdfs.write("/warehouse/landing/day=2026-11-30/_SUCCESS", "");
    await hdfs.write("/warehouse/landing/day=2026-11-30/part-0000.parquet", "PAR1");
    const [req] = await waitFor("the ingest request", () => sink.received.length > 0 && sink.received, 30_000);
    assert.deepEqual(req!.json, { path: "/warehouse/landing/day=2026-11-30/part-0000.parquet", table: "sales" });
    assert.equal(sink.received.length, 1);
  });
});
