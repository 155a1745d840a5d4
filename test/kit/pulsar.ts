// Starts a real Apache Pulsar standalone (broker, bookie, RocksDB metadata, WebSocket API) for one test file, from the jars tools/pulsar/install.sh caches.
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";
import { OutputTail, spawnServer, untilReady } from "./server-process.js";

export interface PulsarServer {
  /** pulsar://127.0.0.1:<port>: the binary protocol port (Argo's `url`). */
  url: string;
  /** http://127.0.0.1:<port>: the admin REST API and the WebSocket API. */
  webUrl: string;
  pid: number | undefined;
  log(): string;
  /** Stops it, keeping data and ports, until `start()`. */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}

function classpath(): string {
  const dir = process.env["IMPULSE_PULSAR_DIR"] ?? execFileSync("bash", [join(repoRoot, "tools/pulsar/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return readFileSync(join(dir, "pulsar.cp"), "utf8").trim();
}

/** Small heap, serial GC and C1 only: the broker shares 2 cores with the tests. */
const JVM_FLAGS = ["-Xms128m", "-Xmx512m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"];

/**
 * Test-only standalone settings: one bookie, quorum 1, WebSocket API on, functions and transactions off.
 * listeningInterface=lo: the in-process bookie reads this file too and would otherwise listen on every interface.
 */
function standaloneConf(brokerPort: number, webPort: number): string {
  return `clusterName=standalone
bindAddress=127.0.0.1
advertisedAddress=127.0.0.1
brokerServicePort=${brokerPort}
webServicePort=${webPort}
managedLedgerDefaultEnsembleSize=1
managedLedgerDefaultWriteQuorum=1
managedLedgerDefaultAckQuorum=1
webSocketServiceEnabled=true
functionsWorkerEnabled=false
transactionCoordinatorEnabled=false
allowAutoTopicCreation=true
allowAutoTopicCreationType=non-partitioned
brokerDeleteInactiveTopicsEnabled=false
listeningInterface=lo
`;
}

/** Ready when the standalone created its default namespace: before that, producers and consumers are refused. */
async function hasDefaultNamespace(webUrl: string): Promise<boolean> {
  const r = await fetch(`${webUrl}/admin/v2/namespaces/public`, { signal: AbortSignal.timeout(2000) });
  return r.ok && ((await r.json()) as string[]).includes("public/default");
}

export async function startPulsar(): Promise<PulsarServer> {
  stopServersOnKill();
  const cp = classpath();
  const dir = mkdtempSync(join(tmpdir(), "impulse-pulsar-"));
  const [brokerPort, webPort, bookiePort] = [await freePort(), await freePort(), await freePort()];
  const conf = join(dir, "standalone.conf");
  writeFileSync(conf, standaloneConf(brokerPort, webPort));
  const webUrl = `http://127.0.0.1:${webPort}`;
  const args = [
    ...JVM_FLAGS, "-cp", cp, "org.apache.pulsar.PulsarStandaloneStarter", "-c", conf, "--no-stream-storage", "--no-functions-worker",
    "--bookkeeper-port", String(bookiePort), "--bookkeeper-dir", join(dir, "bookkeeper"), "--metadata-dir", join(dir, "metadata"),
  ];
  const tail = new OutputTail(200_000);
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const server = spawnServer("java", args, { cwd: dir, tail });
    proc = server.proc;
    await untilReady("pulsar", server, () => hasDefaultNamespace(webUrl), { timeoutMs: 180_000, intervalMs: 500 });
  };
  await launch();
  return {
    url: `pulsar://127.0.0.1:${brokerPort}`,
    webUrl,
    get pid() {
      return proc?.pid;
    },
    log: () => tail.toString(),
    pause: async () => {
      if (proc) await stopProcess(proc);
    },
    start: launch,
    stop: async () => {
      if (proc) await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
