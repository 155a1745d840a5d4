// Slack, email and NATS trigger firings/s (event on the bus → Sensor → target accepted) against a raw client loop
// to the same server in the same run: the Slack Web API stand-in, Mailpit over SMTP, nats-server.
import { newEventId, type ImpulseEvent } from "@impulse/api";
import { findNatsServer, startNatsServer } from "@impulse/bus";
import { connect } from "@nats-io/transport-node";
import nodemailer from "nodemailer";
import { fetch, Pool } from "undici";
import { startMailpit, type Mailpit } from "../test/kit/mailpit.js";
import { sensor } from "../test/kit/resources.js";
import { connectBus, metricValue, startSensor } from "../test/kit/runtimes.js";
import { startSlackApi, type SlackApi } from "../test/kit/slack-api.js";

const FIRINGS = Number(process.env["BENCH_NOTIFY_FIRINGS"] ?? 2000);
/** The Sensor's default firings in flight per trigger (--concurrency); the raw loops keep as many requests open. */
const IN_FLIGHT = 32;
const TOKEN = "xoxb-bench-token";
const TEXT = "bench: deploy finished";

export type NotifyKind = "slack" | "email" | "nats";
export interface NotifyRound {
  kind: NotifyKind;
  impulsePerSec: number;
  /** Each raw client loop of this kind, e.g. Slack's plain fetch and an undici Pool (what the trigger uses). */
  raw: { client: string; perSec: number }[];
}

interface Targets {
  natsUrl: string;
  slack: SlackApi;
  mail: Mailpit;
}

function template(kind: NotifyKind, t: Targets): Record<string, unknown> {
  if (kind === "slack") return { slack: { slackToken: { name: "slack", key: "token" }, apiUrl: t.slack.url, channel: "alerts", message: TEXT } };
  if (kind === "email") return { email: { host: t.mail.host, port: t.mail.smtpPort, from: "alerts@example.com", to: ["team@example.com"], subject: TEXT, body: TEXT } };
  return { nats: { url: t.natsUrl, subject: "bench.notify", payload: [{ src: { dependencyName: "d", dataKey: "n" }, dest: "n" }] } };
}

/** Firings/s of a Sensor whose trigger is `kind`, counted from its first firing to its FIRINGS-th (start-up not counted). */
async function impulse(kind: NotifyKind, t: Targets, round: number): Promise<number> {
  const ns = `notify-${kind}-${round}`;
  const resource = sensor("notify", { dependencies: [{ name: "d", eventSourceName: "src", eventName: "e" }], triggers: [{ template: { name: kind, ...template(kind, t) } }] });
  const secrets = async () => TOKEN;
  // Start once so its durable consumer exists, stop, store the events, then start again and time the backlog.
  await (await startSensor(t.natsUrl, ns, resource, { secrets })).stop();
  const bus = await connectBus(t.natsUrl, ns);
  for (let i = 0; i < FIRINGS; i += 200)
    await Promise.all(
      Array.from({ length: Math.min(200, FIRINGS - i) }, (_, j) => {
        const e: ImpulseEvent = { specversion: "1.0", id: newEventId(), source: "src", subject: "e", type: "webhook", time: new Date().toISOString(), datacontenttype: "application/json", data: { n: i + j } };
        return bus.publish(e);
      }),
    );
  await bus.close();
  const s = await startSensor(t.natsUrl, ns, resource, { secrets });
  try {
    let first = 0;
    for (;;) {
      const n = await metricValue(s.registry, "impulse_sensor_triggers_fired_total");
      if (n > 0 && !first) first = performance.now();
      if (n >= FIRINGS) return Math.round((FIRINGS - 1) / ((performance.now() - first) / 1000));
      if ((await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) > 0) throw new Error(`${kind} trigger failed during the bench`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await s.stop();
  }
}

/** Runs `send` FIRINGS times with IN_FLIGHT at once, after a warm-up; per second, timed like the Sensor's (from the first success). */
async function loop(send: (i: number) => Promise<void>): Promise<number> {
  let next = -Math.min(200, FIRINGS); // warm-up: JIT and connections, as the Sensor's first start had
  while (next < 0) await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, -next) }, () => send(next++)));
  let first = 0;
  const worker = async () => {
    while (next < FIRINGS) {
      await send(next++);
      if (!first) first = performance.now();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return Math.round((FIRINGS - 1) / ((performance.now() - first) / 1000));
}

async function raw(kind: NotifyKind, t: Targets): Promise<NotifyRound["raw"]> {
  if (kind === "slack") {
    const url = new URL("chat.postMessage", t.slack.url);
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json; charset=utf-8" };
    const body = JSON.stringify({ channel: "alerts", text: TEXT });
    const check = (a: { ok: boolean; error?: string }) => {
      if (!a.ok) throw new Error(`chat.postMessage: ${a.error}`);
    };
    // undici's fetch (the undici version the trigger's client is; Node 20's bundled fetch is slower still).
    const viaFetch = await loop(async () => check((await (await fetch(url, { method: "POST", headers, body })).json()) as { ok: boolean }));
    // The trigger posts through an undici Pool: the fastest plain client, so the fairer floor.
    const pool = new Pool(url.origin, { connections: IN_FLIGHT });
    try {
      const viaPool = await loop(async () => check((await (await pool.request({ path: url.pathname, method: "POST", headers, body })).body.json()) as { ok: boolean }));
      return [
        { client: "fetch", perSec: viaFetch },
        { client: "undici Pool", perSec: viaPool },
      ];
    } finally {
      await pool.close();
    }
  }
  if (kind === "email") {
    // One transport, one SMTP connection per message (nodemailer's default, as the trigger has).
    const transport = nodemailer.createTransport({ host: t.mail.host, port: t.mail.smtpPort, secure: false, logger: false });
    return [{ client: "nodemailer", perSec: await loop(async () => void (await transport.sendMail({ from: "alerts@example.com", to: "team@example.com", subject: TEXT, text: TEXT }))) }];
  }
  const nc = await connect({ servers: t.natsUrl });
  const enc = new TextEncoder();
  try {
    // Published and confirmed by a flush (a round trip to the server), as the trigger confirms each firing.
    const perSec = await loop(async (i) => {
      nc.publish("bench.raw", enc.encode(JSON.stringify({ n: i })));
      await nc.flush();
    });
    return [{ client: "nats.js publish + flush", perSec }];
  } finally {
    await nc.close();
  }
}

/** `rounds` rounds; in each, every kind runs Impulse and raw back to back, the order alternating between rounds. */
export async function benchNotifyTriggers(rounds: number, kinds: NotifyKind[] = ["slack", "email", "nats"]): Promise<NotifyRound[]> {
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found");
  const nats = await startNatsServer({ binary });
  const [slack, mail] = await Promise.all([startSlackApi({ tokens: [TOKEN], channels: [{ id: "C0BENCH", name: "alerts" }] }), startMailpit({ tls: "none" })]);
  const t = { natsUrl: nats.url, slack, mail };
  const out: NotifyRound[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      for (const kind of kinds) {
        let impulsePerSec: number;
        let rawRuns: NotifyRound["raw"];
        if (r % 2 === 0) {
          impulsePerSec = await impulse(kind, t, r);
          rawRuns = await raw(kind, t);
        } else {
          rawRuns = await raw(kind, t);
          impulsePerSec = await impulse(kind, t, r);
        }
        out.push({ kind, impulsePerSec, raw: rawRuns });
        console.error(`notify round ${r + 1}: ${kind} impulse ${impulsePerSec}/s, ${rawRuns.map((x) => `raw ${x.client} ${x.perSec}/s`).join(", ")}`);
      }
    }
  } finally {
    await Promise.allSettled([slack.close(), mail.stop(), nats.stop()]);
  }
  return out;
}
