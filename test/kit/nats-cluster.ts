// Starts a 3-node JetStream cluster (three nats-server processes on loopback) for one test file: kill -9 a node,
// restart it on its ports and store, and find which node leads a stream.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNatsServer, freePort, stopProcess } from "@impulse/bus";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { request } from "undici";
import { stopServersOnKill } from "./reaper.js";
import { waitFor } from "./wait.js";

export interface ClusterNode {
  /** server_name, as JetStream reports it in `cluster.leader`. */
  name: string;
  url: string;
  port: number;
  clusterPort: number;
  monitorPort: number;
  storeDir: string;
  /** PID of the running process; undefined while it is down. */
  pid: number | undefined;
}

export interface NatsCluster {
  nodes: ClusterNode[];
  /** Every node's URL, comma-separated: what a client is given so it can reconnect to any survivor. */
  url: string;
  /** SIGKILL (kill -9) of one node; resolves once the process is gone. */
  kill(index: number): Promise<void>;
  /** Starts a stopped or killed node again on the same ports and store; resolves once it is healthy in the cluster. */
  restart(index: number): Promise<void>;
  /** Index of the node leading `stream` (asked through `$JS.API.STREAM.INFO`), waiting out an election. */
  streamLeader(stream: string, timeoutMs?: number): Promise<number>;
  /** The last lines the node printed (for failure messages). */
  log(index: number): string;
  stop(): Promise<void>;
}

const CLUSTER_NAME = "impulse-test";

export interface NatsClusterOptions {
  size?: number;
  /** server_name of node i (default n0, n1, ...): a generated config takes it from $POD_NAME. */
  name?: (index: number) => string;
  /** The config file of one node (default: the kit's own, below); e.g. the controller's nats.conf made local. */
  config?: (node: ClusterNode, nodes: ClusterNode[]) => string;
  /** Environment of one node's process (a generated config reads $POD_NAME, $NATS_TOKEN). */
  env?: (node: ClusterNode) => Record<string, string>;
  /** Token the kit's own client (streamLeader) authenticates with. */
  token?: string;
}

/** The kit's config of one node: what a Kubernetes StatefulSet's pods get, with loopback addresses. */
function defaultConfig(n: ClusterNode, nodes: ClusterNode[]): string {
  const routes = nodes.map((m) => m.clusterPort);
  return [
    `server_name: ${n.name}`,
    `listen: 127.0.0.1:${n.port}`,
    `http: 127.0.0.1:${n.monitorPort}`,
    "jetstream {",
    `  store_dir: ${JSON.stringify(n.storeDir)}`,
    "  max_memory_store: 64MB",
    "  max_file_store: 1GB",
    "}",
    "cluster {",
    `  name: ${CLUSTER_NAME}`,
    `  listen: 127.0.0.1:${n.clusterPort}`,
    "  routes: [",
    ...routes.map((p) => `    nats://127.0.0.1:${p}`),
    "  ]",
    "}",
    "",
  ].join("\n");
}

/** Healthy in a cluster: JetStream on, the meta group has a leader, and this node's streams are current. */
async function healthy(monitorPort: number): Promise<boolean> {
  try {
    const r = await request(`http://127.0.0.1:${monitorPort}/healthz`);
    await r.body.dump();
    return r.statusCode === 200;
  } catch {
    return false;
  }
}

export async function startNatsCluster(opts: NatsClusterOptions = {}): Promise<NatsCluster> {
  stopServersOnKill();
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run `bash tools/nats/install.sh` (npm test does this)");
  const size = opts.size ?? 3;
  const dir = mkdtempSync(join(tmpdir(), "impulse-nats-cluster-"));
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < size; i++) {
    const [port, clusterPort, monitorPort] = [await freePort(), await freePort(), await freePort()];
    const storeDir = join(dir, `n${i}`, "store");
    mkdirSync(storeDir, { recursive: true });
    nodes.push({ name: opts.name?.(i) ?? `n${i}`, url: `nats://127.0.0.1:${port}`, port, clusterPort, monitorPort, storeDir, pid: undefined });
  }
  const procs: (ChildProcess | undefined)[] = nodes.map(() => undefined);
  const logs: string[] = nodes.map(() => "");
  const killAll = () => procs.forEach((p) => p?.kill("SIGKILL"));
  // If the test process exits on an error path, do not leave three servers running.
  process.once("exit", killAll);

  const launch = (i: number) => {
    const n = nodes[i]!;
    const conf = join(dir, `n${i}`, "nats.conf");
    writeFileSync(conf, (opts.config ?? defaultConfig)(n, nodes));
    const p = spawn(binary, ["--config", conf], { env: { ...process.env, ...opts.env?.(n) }, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (c: Buffer) => void (logs[i] = (logs[i] + c.toString()).slice(-20_000));
    p.stdout!.on("data", keep);
    p.stderr!.on("data", keep);
    p.once("exit", () => {
      if (procs[i] === p) n.pid = undefined;
    });
    procs[i] = p;
    n.pid = p.pid;
  };
  const waitHealthy = (i: number) =>
    waitFor(`cluster node ${nodes[i]!.name} healthy`, async () => {
      const p = procs[i];
      if (!p || p.exitCode !== null) throw new Error(`nats-server ${nodes[i]!.name} exited:\n${logs[i]}`);
      return healthy(nodes[i]!.monitorPort);
    }, 60_000);

  const stopAll = async () => {
    process.removeListener("exit", killAll);
    await Promise.all(procs.map((p) => (p ? stopProcess(p) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    nodes.forEach((_, i) => launch(i));
    await Promise.all(nodes.map((_, i) => waitHealthy(i)));
  } catch (e) {
    await stopAll();
    throw e;
  }
  const url = nodes.map((n) => n.url).join(",");

  return {
    nodes,
    url,
    kill: async (i) => {
      const p = procs[i];
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((r) => {
        p.once("exit", () => r());
        p.kill("SIGKILL");
      });
    },
    restart: async (i) => {
      const p = procs[i];
      if (p && p.exitCode === null && p.signalCode === null) await stopProcess(p);
      launch(i);
      await waitHealthy(i);
    },
    streamLeader: async (stream, timeoutMs = 30_000) => {
      const nc = await connect({ servers: nodes.map((n) => n.url), maxReconnectAttempts: -1, ...(opts.token ? { token: opts.token } : {}) });
      try {
        const jsm = await jetstreamManager(nc, { timeout: 2000 });
        return await waitFor(`a leader for stream ${stream}`, async () => {
          try {
            const leader = (await jsm.streams.info(stream)).cluster?.leader;
            const i = nodes.findIndex((n) => n.name === leader);
            return i >= 0 ? i + 1 : undefined; // +1: waitFor needs a truthy value, and 0 is a valid index
          } catch {
            return undefined; // no leader yet: the election is under way
          }
        }, timeoutMs).then((i) => i - 1);
      } finally {
        await nc.close();
      }
    },
    log: (i) => logs[i]!,
    stop: stopAll,
  };
}
