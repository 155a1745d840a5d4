// Produces to and reads from a test Pulsar through its WebSocket API (ws), and reads subscription backlogs from its admin API.
import WebSocket from "ws";

const topicPath = (topic: string) => `persistent/public/default/${encodeURIComponent(topic)}`;
const wsBase = (webUrl: string) => `${webUrl.replace(/^http/, "ws")}/ws/v2`;

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** Produces each payload in order; resolves once the broker confirmed every one. */
export async function pulsarPublish(webUrl: string, topic: string, payloads: string[], key?: string): Promise<void> {
  const ws = new WebSocket(`${wsBase(webUrl)}/producer/${topicPath(topic)}`);
  await opened(ws);
  try {
    for (const [i, p] of payloads.entries()) {
      const reply = new Promise<{ result: string; errorMsg?: string }>((resolve) => ws.once("message", (d) => resolve(JSON.parse(d.toString()))));
      ws.send(JSON.stringify({ payload: Buffer.from(p).toString("base64"), context: String(i), ...(key ? { key } : {}) }));
      const r = await reply;
      if (r.result !== "ok") throw new Error(`pulsar publish to ${topic}: ${r.result} ${r.errorMsg ?? ""}`);
    }
  } finally {
    ws.close();
  }
}

export interface PulsarReader {
  messages: { payload: string; key: string | undefined; properties: Record<string, string> }[];
  close(): void;
}

/** Reads (and acks) every message of `topic` from now on, through its own exclusive subscription. */
export async function pulsarRead(webUrl: string, topic: string, subscription = "impulse-test-reader"): Promise<PulsarReader> {
  const ws = new WebSocket(`${wsBase(webUrl)}/consumer/${topicPath(topic)}/${subscription}?subscriptionType=Exclusive`);
  const messages: PulsarReader["messages"] = [];
  ws.on("message", (d) => {
    const m = JSON.parse(d.toString()) as { messageId: string; payload: string; key?: string; properties?: Record<string, string> };
    messages.push({ payload: Buffer.from(m.payload, "base64").toString("utf8"), key: m.key, properties: m.properties ?? {} });
    ws.send(JSON.stringify({ messageId: m.messageId }));
  });
  await opened(ws);
  return { messages, close: () => ws.close() };
}

/** Creates the topic and a subscription at its start, so messages published before a consumer attaches are kept for it. */
export async function pulsarPrepare(webUrl: string, topic: string, subscription: string): Promise<void> {
  for (const path of [`${topicPath(topic)}`, `${topicPath(topic)}/subscription/${encodeURIComponent(subscription)}`]) {
    const r = await fetch(`${webUrl}/admin/v2/${path}`, { method: "PUT", headers: { "content-type": "application/json" }, body: path.includes("/subscription/") ? JSON.stringify({ ledgerId: -1, entryId: -1 }) : undefined });
    if (!r.ok && r.status !== 409) throw new Error(`pulsar admin PUT ${path}: HTTP ${r.status} ${await r.text()}`);
  }
}

/** Messages of the topic still unacknowledged by the subscription. */
export async function pulsarBacklog(webUrl: string, topic: string, subscription: string): Promise<number> {
  const r = await fetch(`${webUrl}/admin/v2/${topicPath(topic)}/stats`);
  if (!r.ok) throw new Error(`pulsar stats of ${topic}: HTTP ${r.status}`);
  const stats = (await r.json()) as { subscriptions: Record<string, { msgBacklog: number }> };
  return stats.subscriptions[subscription]?.msgBacklog ?? 0;
}
