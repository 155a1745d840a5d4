// Starts a real nats-server for one test file; the binary comes from tools/nats/install.sh (run by npm test).
import { findNatsServer, startNatsServer, type NatsServer } from "@impulse/bus";
import { stopServersOnKill } from "./reaper.js";

export async function startNats(opts: { storeDir?: string; extraArgs?: string[] } = {}): Promise<NatsServer> {
  stopServersOnKill();
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run `bash tools/nats/install.sh` (npm test does this)");
  return startNatsServer({ binary, ...opts });
}
