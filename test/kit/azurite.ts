// Starts Azurite's queue service (Microsoft's Azure Storage emulator, cached by tools/azurite/install.sh) for one test
// file, on a free loopback port with its own data dir.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { QueueServiceClient } from "@azure/storage-queue";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";

/** Azurite's well-known development account (public, documented by Microsoft): not a secret. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteQueue {
  /** The connection string a client (and an EventSource's connectionString Secret) uses. */
  connectionString: string;
  port: number;
  /** A service client for the test's own calls (create queues, send, count). */
  service(): QueueServiceClient;
  /** Stops it, keeping its data dir and port, until start(). */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function azuriteDir(): string {
  return process.env["IMPULSE_AZURITE_DIR"] ?? execFileSync("bash", [join(repoRoot, "tools/azurite/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export async function startAzuriteQueue(): Promise<AzuriteQueue> {
  stopServersOnKill();
  const bin = join(azuriteDir(), "node_modules/.bin/azurite-queue");
  const dir = mkdtempSync(join(tmpdir(), "impulse-azurite-"));
  const port = await freePort();
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};QueueEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
  let proc: ChildProcess | undefined;
  let out = "";
  const service = () => QueueServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
  const launch = async () => {
    // Loopback only, no telemetry (no traffic beyond 127.0.0.1), its own data dir that survives a pause.
    const args = ["--queueHost", "127.0.0.1", "--queuePort", String(port), "--location", dir, "--silent", "--skipApiVersionCheck", "--disableTelemetry"];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    proc = child;
    const keep = (c: Buffer) => {
      out += c.toString();
      if (out.length > 50_000) out = out.slice(-20_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    child.once("exit", () => process.removeListener("exit", killOnExit));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`azurite-queue exited with code ${child.exitCode}:\n${out}`);
      try {
        await service().getProperties();
        return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`azurite-queue did not answer within 30 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await launch();
  return {
    connectionString,
    port,
    service,
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
