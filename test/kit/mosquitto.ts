// Starts a real MQTT broker (Debian's mosquitto, from tools/mosquitto/install.sh) for one test file: a child process on
// a free port with its own config, persistence file (sessions survive a restart) and, optionally, users and TLS.
import { spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { connectAsync, type IClientOptions } from "mqtt";
import { stopServersOnKill } from "./reaper.js";
import { OutputTail, spawnServer, untilReady } from "./server-process.js";
import { makeTestCerts, type TestCerts } from "./tls-certs.js";

const SERVER = "/usr/sbin/mosquitto";

/** Why MQTT suites cannot run here, or undefined when they can (npm test installs it as root). */
export function mosquittoMissing(): string | undefined {
  return existsSync(SERVER) ? undefined : "mosquitto is not installed (bash tools/mosquitto/install.sh as root)";
}

export interface Mosquitto {
  /** mqtt://127.0.0.1:<port> (tcp:// in Argo's spelling: tcpUrl) */
  url: string;
  tcpUrl: string;
  /** Set when started with auth: every client must log in. */
  user?: string;
  password?: string;
  /** ssl://localhost:<tlsPort> and the certificates, when started with tls (client certificate required). */
  tlsUrl?: string;
  certs?: TestCerts;
  /** Options a test client needs to connect (credentials when auth is on). */
  clientOptions: IClientOptions;
  log(): string;
  /** Stops the broker (it saves sessions and queued messages to its persistence file) until start(). */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMosquitto(opts: { auth?: boolean; tls?: boolean } = {}): Promise<Mosquitto> {
  stopServersOnKill();
  const missing = mosquittoMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), "impulse-mosquitto-"));
  const port = await freePort();
  const tls = opts.tls ? { port: await freePort(), certs: makeTestCerts() } : undefined;
  const user = opts.auth ? "impulse" : undefined;
  const password = opts.auth ? randomBytes(8).toString("hex") : undefined;
  const lines = [
    // Started as root, mosquitto would switch to its own user, which cannot read this temp dir.
    `user ${userInfo().username}`,
    "per_listener_settings false",
    `listener ${port} 127.0.0.1`,
    "persistence true",
    `persistence_location ${dir}/`,
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    // Generous queues: a test may leave thousands of QoS 1 messages for an absent persistent session.
    "max_queued_messages 100000",
  ];
  if (user && password) {
    const r = spawnSync("mosquitto_passwd", ["-b", "-c", join(dir, "passwd"), user, password], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    lines.push("allow_anonymous false", `password_file ${join(dir, "passwd")}`);
  } else lines.push("allow_anonymous true");
  if (tls)
    lines.push(
      `listener ${tls.port} 127.0.0.1`,
      `cafile ${tls.certs.files.ca}`,
      `certfile ${tls.certs.files.serverCert}`,
      `keyfile ${tls.certs.files.serverKey}`,
      "require_certificate true",
    );
  writeFileSync(join(dir, "mosquitto.conf"), lines.join("\n") + "\n");

  const url = `mqtt://127.0.0.1:${port}`;
  const clientOptions: IClientOptions = user && password ? { username: user, password } : {};
  const tail = new OutputTail(200_000);
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const server = spawnServer(SERVER, ["-c", join(dir, "mosquitto.conf")], { tail });
    proc = server.proc;
    await untilReady("mosquitto", server, async () => {
      const c = await connectAsync(url, { ...clientOptions, reconnectPeriod: 0, connectTimeout: 1000 });
      await c.endAsync();
      return true;
    });
  };
  const halt = async () => {
    if (proc) await stopProcess(proc);
  };
  await launch();
  return {
    url,
    tcpUrl: `tcp://127.0.0.1:${port}`,
    ...(user && password ? { user, password } : {}),
    ...(tls ? { tlsUrl: `ssl://localhost:${tls.port}`, certs: tls.certs } : {}),
    clientOptions,
    log: () => tail.toString(),
    pause: halt,
    start: launch,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
      if (tls) rmSync(tls.certs.dir, { recursive: true, force: true });
    },
  };
}
