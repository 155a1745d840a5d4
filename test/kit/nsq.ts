// Starts real NSQ daemons (nsqlookupd + nsqd, built by tools/nsq/install.sh) for one test file, on free loopback ports
// with their own data dir; nsqd registers its topics with the nsqlookupd, as in a real cluster.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { request } from "undici";
import { repoRoot } from "./cli.js";
import type { TestCerts } from "./tls-certs.js";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady, type ServerProcess } from "./server-process.js";

export interface NsqServers {
  /** nsqlookupd's HTTP address (host:port): Argo's hostAddress. */
  lookupdHttp: string;
  /** nsqd's TCP address (host:port), as events name it in data.nsqdAddress. */
  nsqdTcp: string;
  /** nsqd's HTTP API base URL, for the test's own publishing and stats. */
  nsqdHttp: string;
  /** Publishes these bodies to `topic` (nsqd's HTTP /pub), in order. */
  publish(topic: string, bodies: string[]): Promise<void>;
  /** Creates the topic and the channel (so the topic is registered with nsqlookupd and messages queue for the channel). */
  createChannel(topic: string, channel: string): Promise<void>;
  /** Messages of the channel FINished: nsqd counts them per client only, so put in minus still queued, in flight or deferred. */
  finished(topic: string, channel: string): Promise<number>;
  /** Stops nsqd (its data dir and ports kept) until startNsqd(); nsqlookupd keeps running. */
  stopNsqd(): Promise<void>;
  startNsqd(): Promise<void>;
  stop(): Promise<void>;
}

interface ChannelStats {
  channel_name: string;
  message_count: number;
  depth: number;
  in_flight_count: number;
  deferred_count: number;
}

function nsqBin(): string {
  return process.env["IMPULSE_NSQ_BIN"] ?? execFileSync("bash", [join(repoRoot, "tools/nsq/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** Ready when its HTTP /ping answers 200. */
async function untilPings(url: string, server: ServerProcess, name: string): Promise<void> {
  await untilReady(name, server, async () => {
    const r = await request(`${url}/ping`);
    await r.body.dump();
    return r.statusCode === 200;
  });
}

async function post(url: string, body?: string): Promise<void> {
  const r = await request(url, { method: "POST", ...(body !== undefined ? { body } : {}) });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`nsqd POST ${url}: ${r.statusCode} ${text}`);
}

/** With `tls`, nsqd requires TLS on its TCP port and a client certificate signed by the test CA (mutual TLS). */
export async function startNsq(o: { tls?: TestCerts } = {}): Promise<NsqServers> {
  stopServersOnKill();
  const bin = nsqBin();
  const dir = mkdtempSync(join(tmpdir(), "impulse-nsq-"));
  const [lTcp, lHttp, dTcp, dHttp, dHttps] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const tlsArgs = o.tls
    ? [
        `--tls-cert=${o.tls.files.serverCert}`,
        `--tls-key=${o.tls.files.serverKey}`,
        `--tls-root-ca-file=${o.tls.files.ca}`,
        "--tls-client-auth-policy=require-verify",
        // TLS required on TCP (and HTTPS); the test publishes over plain HTTP.
        "--tls-required=tcp-https",
        // nsqd opens an HTTPS port when it has a certificate: a free loopback one, never its 0.0.0.0 default.
        `--https-address=127.0.0.1:${dHttps}`,
      ]
    : [];
  const lookupdHttp = `127.0.0.1:${lHttp}`;
  const lookupd = spawnServer(join(bin, "nsqlookupd"), [
    `--tcp-address=127.0.0.1:${lTcp}`,
    `--http-address=${lookupdHttp}`,
    "--broadcast-address=127.0.0.1",
    "--log-level=warn",
  ]);
  await untilPings(`http://${lookupdHttp}`, lookupd, "nsqlookupd");
  let nsqd: ServerProcess | undefined;
  const nsqdHttp = `http://127.0.0.1:${dHttp}`;
  const startNsqd = async () => {
    nsqd = spawnServer(join(bin, "nsqd"), [
      `--tcp-address=127.0.0.1:${dTcp}`,
      `--http-address=127.0.0.1:${dHttp}`,
      "--broadcast-address=127.0.0.1",
      `--lookupd-tcp-address=127.0.0.1:${lTcp}`,
      `--data-path=${dir}`,
      "--log-level=warn",
      ...tlsArgs,
    ]);
    await untilPings(nsqdHttp, nsqd, "nsqd");
  };
  try {
    await startNsqd();
  } catch (e) {
    if (nsqd) await stopProcess(nsqd.proc);
    await stopProcess(lookupd.proc);
    throw e;
  }
  return {
    lookupdHttp,
    nsqdTcp: `127.0.0.1:${dTcp}`,
    nsqdHttp,
    async publish(topic, bodies) {
      for (const b of bodies) await post(`${nsqdHttp}/pub?topic=${encodeURIComponent(topic)}`, b);
    },
    async createChannel(topic, channel) {
      await post(`${nsqdHttp}/topic/create?topic=${encodeURIComponent(topic)}`);
      await post(`${nsqdHttp}/channel/create?topic=${encodeURIComponent(topic)}&channel=${encodeURIComponent(channel)}`);
    },
    async finished(topic, channel) {
      const r = await request(`${nsqdHttp}/stats?format=json&topic=${encodeURIComponent(topic)}&channel=${encodeURIComponent(channel)}`);
      const s = (await r.body.json()) as { topics: { topic_name: string; channels: ChannelStats[] }[] };
      const c = s.topics.find((t) => t.topic_name === topic)?.channels.find((c) => c.channel_name === channel);
      return c ? c.message_count - c.depth - c.in_flight_count - c.deferred_count : 0;
    },
    stopNsqd: async () => {
      if (nsqd) await stopProcess(nsqd.proc);
    },
    startNsqd,
    async stop() {
      if (nsqd) await stopProcess(nsqd.proc);
      await stopProcess(lookupd.proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
