// Starts Azurite's queue service (Microsoft's Azure Storage emulator, cached by tools/azurite/install.sh) for one test
// file, on a free loopback port with its own data dir.
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { QueueServiceClient } from "@azure/storage-queue";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

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
  const service = () => QueueServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
  const launch = async () => {
    // Loopback only, no telemetry (no traffic beyond 127.0.0.1), its own data dir that survives a pause.
    const args = ["--queueHost", "127.0.0.1", "--queuePort", String(port), "--location", dir, "--silent", "--skipApiVersionCheck", "--disableTelemetry"];
    const server = spawnServer(process.execPath, [bin, ...args]);
    proc = server.proc;
    await untilReady("azurite-queue", server, async () => (await service().getProperties(), true), { intervalMs: 200 });
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
