// Starts a real single-node HDFS (Hadoop's MiniDFSCluster, from tools/hdfs/install.sh) for one test file: a NameNode and
// a DataNode in one JVM on free loopback ports with their own dirs, and WebHDFS calls for the test's own file changes.
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { request } from "undici";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

export interface HdfsServer {
  /** The NameNode's WebHDFS address (host:port): what an hdfs EventSource lists in `addresses`. */
  address: string;
  /** The NameNode's RPC address (what Argo's source would dial; Impulse's lint refuses its port). */
  rpcAddress: string;
  mkdirs(path: string): Promise<void>;
  /** Creates or overwrites a file (WebHDFS's two steps: the NameNode redirects the body to the DataNode). */
  write(path: string, body: string): Promise<void>;
  append(path: string, body: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  chmod(path: string, octal: string): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

function classpath(): string {
  const dir = process.env["IMPULSE_HDFS_DIR"] ?? execFileSync("bash", [join(repoRoot, "tools/hdfs/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return readFileSync(join(dir, "hdfs.cp"), "utf8").trim();
}

/** Small heap, serial GC and C1 only: the cluster shares 2 cores with the tests. */
const JVM_FLAGS = ["-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"];

/**
 * The second step of a WebHDFS write, to the DataNode. node:http rather than undici: the DataNode answers
 * "100 Continue" before its result even when the request did not ask for it, which undici refuses as a bad response.
 */
function sendBody(method: string, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

export async function startHdfs(): Promise<HdfsServer> {
  stopServersOnKill();
  const cp = classpath();
  const dir = mkdtempSync(join(tmpdir(), "impulse-hdfs-"));
  const [rpcPort, httpPort] = [await freePort(), await freePort()];
  const server = spawnServer("java", [...JVM_FLAGS, "-cp", cp, "MiniHdfs", join(dir, "data"), String(rpcPort), String(httpPort)], { cwd: dir });
  const proc: ChildProcess = server.proc;
  const base = `http://127.0.0.1:${httpPort}/webhdfs/v1`;
  const stop = async () => {
    await stopProcess(proc);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // It prints READY once the DataNode registered and the NameNode left safe mode: writable from then on.
    await untilReady("hdfs", server, () => server.output().includes("READY nnRpc="), { timeoutMs: 120_000, intervalMs: 200 });
  } catch (e) {
    await stop();
    throw e;
  }

  /** One WebHDFS call; a two-step write sends the body to the DataNode the NameNode names. */
  const call = async (method: "PUT" | "POST" | "DELETE", path: string, query: string, body?: string): Promise<void> => {
    const url = `${base}${path}?${query}&user.name=tester`;
    const r = await request(url, { method });
    let status = r.statusCode;
    let text = await r.body.text();
    if (status === 307 && body !== undefined) ({ status, text } = await sendBody(method, String(r.headers["location"]), body));
    if (status >= 300) throw new Error(`WebHDFS ${method} ${path}?${query}: ${status} ${text}`);
    if (text.includes('"boolean":false')) throw new Error(`WebHDFS ${method} ${path}?${query} did nothing: ${text}`);
  };
  return {
    address: `127.0.0.1:${httpPort}`,
    rpcAddress: `127.0.0.1:${rpcPort}`,
    mkdirs: (path) => call("PUT", path, "op=MKDIRS"),
    write: (path, body) => call("PUT", path, "op=CREATE&overwrite=true", body),
    append: (path, body) => call("POST", path, "op=APPEND", body),
    rename: (from, to) => call("PUT", from, `op=RENAME&destination=${encodeURIComponent(to)}`),
    remove: (path) => call("DELETE", path, "op=DELETE&recursive=true"),
    chmod: (path, octal) => call("PUT", path, `op=SETPERMISSION&permission=${octal}`),
    log: () => server.output(),
    stop,
  };
}
