// Runs what the controller deployed as local processes (no kubelet here): a container's env and args, nats-server with a generated config.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNatsServer, freePort } from "@impulse/bus";
import { request } from "undici";
import { waitFor } from "./wait.js";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

/**
 * The environment a kubelet would give the container: literal values, Secret keys (from `secrets`, already decoded)
 * and the downward API fields the controller uses; `overrides` replace what only makes sense in a cluster (URLs, ports).
 */
export function podEnv(
  container: { env?: EnvVar[] },
  o: { pod: { name: string; namespace: string }; secrets?: Record<string, Record<string, string>>; overrides?: Record<string, string> },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const v = o.secrets?.[name]?.[key];
      if (v === undefined) throw new Error(`env ${e.name}: Secret ${name}/${key} not given`);
      env[e.name] = v;
    } else if (e.valueFrom?.fieldRef) {
      const field = e.valueFrom.fieldRef.fieldPath;
      env[e.name] = field === "metadata.name" ? o.pod.name : field === "metadata.namespace" ? o.pod.namespace : "";
    }
  }
  return { ...env, ...o.overrides };
}

export interface ConfiguredNats {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts nats-server with a config file as the controller generated it. Ports are overridden on the command line
 * (flags win over the file), so the test never uses the default ports the config names.
 */
export async function startNatsWithConfig(conf: string, env: Record<string, string>): Promise<ConfiguredNats> {
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run `bash tools/nats/install.sh` (npm test does this)");
  const dir = mkdtempSync(join(tmpdir(), "impulse-nats-conf-"));
  // The store is the pod's volume mount: point it at a temp directory (nats-server refuses -sd next to a store_dir).
  const local = conf.replace(/store_dir: \S+/, `store_dir: ${JSON.stringify(join(dir, "store"))}`);
  if (local === conf) throw new Error("the config names no store_dir");
  writeFileSync(join(dir, "nats.conf"), local);
  const [port, monitor] = [await freePort(), await freePort()];
  let out = "";
  const proc: ChildProcess = spawn(binary, ["--config", join(dir, "nats.conf"), "-a", "127.0.0.1", "-p", String(port), "-m", String(monitor)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const killOnExit = () => proc.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = () =>
    new Promise<void>((resolve) => {
      process.removeListener("exit", killOnExit);
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once("exit", done);
      proc.kill("SIGTERM");
    });
  try {
    await waitFor("nats-server with the generated config", async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with code ${proc.exitCode}:\n${out}`);
      try {
        const r = await request(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`);
        await r.body.dump();
        return r.statusCode === 200;
      } catch {
        return false;
      }
    }, 20_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `nats://127.0.0.1:${port}`, stop };
}
