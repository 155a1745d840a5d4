// Starts a real RabbitMQ broker (Debian's rabbitmq-server, from tools/rabbitmq/install.sh) for one test file: a child
// process on free ports with its own node name, Erlang cookie, epmd, data and log dirs in a temp dir.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { connect } from "amqplib";
import { stopServersOnKill } from "./reaper.js";
import { OutputTail, spawnServer, untilReady } from "./server-process.js";
import { makeTestCerts, type TestCerts } from "./tls-certs.js";

const SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/** Why RabbitMQ suites cannot run here, or undefined when they can (npm test installs it as root). */
export function rabbitMqMissing(): string | undefined {
  return existsSync(SERVER) ? undefined : "rabbitmq-server is not installed (bash tools/rabbitmq/install.sh as root)";
}

export interface RabbitMq {
  /** amqp://user:password@127.0.0.1:<port> */
  url: string;
  /** The same listener without credentials (for specs that take them from Secrets). */
  plainUrl: string;
  user: string;
  password: string;
  /** amqps://127.0.0.1:<tlsPort> and the certificates, when started with tls. */
  tlsUrl?: string;
  certs?: TestCerts;
  log(): string;
  /** Stops the broker (keeping its data and ports) until start(): an upstream outage. */
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stops the broker and epmd, and removes the data. */
  stop(): Promise<void>;
}

function config(port: number, user: string, password: string, tls: { port: number; certs: TestCerts } | undefined): string {
  const lines = [
    `listeners.tcp.default = 127.0.0.1:${port}`,
    `default_user = ${user}`,
    `default_pass = ${password}`,
    // The test host may have little free disk or memory; the broker must not block publishers for it.
    "disk_free_limit.absolute = 1",
    "vm_memory_high_watermark.relative = 0.9",
  ];
  if (tls)
    lines.push(
      `listeners.ssl.default = 127.0.0.1:${tls.port}`,
      `ssl_options.cacertfile = ${tls.certs.files.ca}`,
      `ssl_options.certfile = ${tls.certs.files.serverCert}`,
      `ssl_options.keyfile = ${tls.certs.files.serverKey}`,
      "ssl_options.verify = verify_peer",
      "ssl_options.fail_if_no_peer_cert = true",
    );
  return lines.join("\n") + "\n";
}

async function acceptsAmqp(url: string): Promise<boolean> {
  const c = await connect(url, { timeout: 1000 });
  await c.close();
  return true;
}

/** Kills a process group we started (the server script and the Erlang VM it runs), ignoring one that is gone. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export async function startRabbitMq(opts: { tls?: boolean } = {}): Promise<RabbitMq> {
  stopServersOnKill();
  const missing = rabbitMqMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), "impulse-rabbitmq-"));
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const tls = opts.tls ? { port: await freePort(), certs: makeTestCerts() } : undefined;
  const user = "impulse";
  const password = randomBytes(8).toString("hex");
  writeFileSync(join(dir, "rabbitmq.conf"), config(port, user, password, tls));
  writeFileSync(join(dir, "rabbitmq-env.conf"), "");
  writeFileSync(join(dir, "enabled_plugins"), "[].\n");
  // The Erlang cookie lives in $HOME; a private one keeps this node apart from any other on the machine.
  writeFileSync(join(dir, ".erlang.cookie"), randomBytes(16).toString("hex"));
  chmodSync(join(dir, ".erlang.cookie"), 0o400);
  const env = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: dir,
    LANG: "C.UTF-8",
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: `impulse-${randomBytes(4).toString("hex")}@localhost`,
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.conf"),
    RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_PID_FILE: join(dir, "rabbitmq.pid"),
    RABBITMQ_LOGS: "-",
    // Erlang distribution on loopback only; two schedulers are plenty for a test broker on a shared machine.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1} +S 2:2",
  };
  // epmd as our own child on a free port (not the machine's on 4369), so the broker never starts a daemon we cannot stop.
  const epmd = spawn("epmd", ["-port", String(epmdPort), "-address", "127.0.0.1"], { stdio: "ignore", env });
  const url = `amqp://${user}:${password}@127.0.0.1:${port}`;
  const tail = new OutputTail(200_000);
  let proc: ChildProcess | undefined;
  const killAll = () => {
    killGroup(proc?.pid, "SIGKILL");
    epmd.kill("SIGKILL");
  };
  process.once("exit", killAll);

  const launch = async () => {
    // Its own process group: the script forwards SIGTERM to the Erlang VM; a SIGKILL must reach both.
    const server = spawnServer(SERVER, [], { env, detached: true, tail });
    proc = server.proc;
    await untilReady("rabbitmq-server", server, () => acceptsAmqp(url), { timeoutMs: 90_000, intervalMs: 250 });
  };
  const halt = async () => {
    const p = proc;
    if (!p) return;
    await stopProcess(p, 20_000);
    killGroup(p.pid, "SIGKILL"); // whatever of the group outlived the script
  };
  await launch();

  return {
    url,
    plainUrl: `amqp://127.0.0.1:${port}`,
    user,
    password,
    ...(tls ? { tlsUrl: `amqps://localhost:${tls.port}`, certs: tls.certs } : {}),
    log: () => tail.toString(),
    pause: halt,
    start: launch,
    stop: async () => {
      await halt();
      epmd.kill("SIGTERM");
      process.removeListener("exit", killAll);
      rmSync(dir, { recursive: true, force: true });
      if (tls) rmSync(tls.certs.dir, { recursive: true, force: true });
    },
  };
}
