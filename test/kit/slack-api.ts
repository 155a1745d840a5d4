// A local stand-in for Slack's Web API (auth.test, chat.postMessage), written from Slack's method reference: Slack itself cannot be reached from tests.
// What it reproduces: Bearer-token auth (not_authed / invalid_auth), JSON and form bodies, channel IDs and names
// (channel_not_found, is_archived), no_text, invalid_blocks / invalid_attachments, msg_too_long, thread replies, HTTP 200
// with ok:false for every method error, and 429 + Retry-After with {ok:false, error:"ratelimited"} when rate limited.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackChannel {
  id: string;
  name: string;
  archived?: boolean;
}

/** A message Slack accepted, as the API received it (token not kept). */
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  attachments?: unknown[];
  blocks?: unknown[];
  metadata?: unknown;
  /** The request's content-type, to check what the client sent. */
  contentType: string | undefined;
}

export interface SlackApi {
  /** Base URL of the API, ending in /api/ (what `apiUrl` takes). */
  url: string;
  messages: PostedMessage[];
  /** Every call, rate-limited and failed ones too: [method, ok or error]. */
  calls: { method: string; result: string; headers: IncomingHttpHeaders }[];
  /** The next `count` calls answer 429 with this Retry-After (seconds). */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` calls answer {ok:false, error} (HTTP `status`, 200 as Slack does for method errors). */
  failNext(count: number, error: string, status?: number): void;
  close(): Promise<void>;
}

const MAX_TEXT = 40_000;

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  // Form posts carry attachments and blocks as JSON strings.
  const form = Object.fromEntries(new URLSearchParams(raw));
  const out: Record<string, unknown> = { ...form };
  for (const k of ["attachments", "blocks", "metadata"]) if (typeof form[k] === "string") out[k] = JSON.parse(form[k]);
  for (const k of ["reply_broadcast"]) if (k in form) out[k] = form[k] === "true" || form[k] === "1";
  return out;
}

export async function startSlackApi(o: { tokens: string[]; channels: SlackChannel[] }): Promise<SlackApi> {
  const messages: PostedMessage[] = [];
  const calls: SlackApi["calls"] = [];
  const queue: ({ kind: "ratelimit"; retryAfter: number } | { kind: "fail"; error: string; status: number })[] = [];
  let clock = 1_700_000_000_000;
  const nextTs = () => {
    clock += 1;
    return `${Math.floor(clock / 1000)}.${String((clock % 1000) * 1000).padStart(6, "0")}`;
  };
  const channelOf = (c: unknown) => o.channels.find((ch) => ch.id === c || ch.name === String(c).replace(/^#/, ""));

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0]!;
      const answer = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
        const { authorization: _drop, ...kept } = req.headers;
        calls.push({ method, result: body["ok"] ? "ok" : String(body["error"]), headers: kept });
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(body));
      };
      const fault = queue.shift();
      if (fault?.kind === "ratelimit") return answer(429, { ok: false, error: "ratelimited" }, { "retry-after": String(fault.retryAfter) });
      if (fault?.kind === "fail") return answer(fault.status, { ok: false, error: fault.error });

      const auth = req.headers.authorization;
      let body: Record<string, unknown>;
      try {
        body = parseBody(Buffer.concat(chunks).toString("utf8"), req.headers["content-type"]);
      } catch {
        return answer(200, { ok: false, error: "invalid_json" });
      }
      const token = auth?.startsWith("Bearer ") ? auth.slice(7) : typeof body["token"] === "string" ? body["token"] : undefined;
      if (!token) return answer(200, { ok: false, error: "not_authed" });
      if (!o.tokens.includes(token)) return answer(200, { ok: false, error: "invalid_auth" });

      if (method === "auth.test") return answer(200, { ok: true, url: "https://impulse-test.slack.com/", team: "Impulse Test", user: "impulse", team_id: "T0IMPULSE", user_id: "U0IMPULSE", bot_id: "B0IMPULSE" });
      if (method !== "chat.postMessage") return answer(404, { ok: false, error: "unknown_method" });

      const ch = channelOf(body["channel"]);
      if (!ch) return answer(200, { ok: false, error: "channel_not_found" });
      if (ch.archived) return answer(200, { ok: false, error: "is_archived" });
      const text = typeof body["text"] === "string" ? body["text"] : "";
      const { attachments, blocks } = body;
      if (blocks !== undefined && !Array.isArray(blocks)) return answer(200, { ok: false, error: "invalid_blocks" });
      if (attachments !== undefined && !Array.isArray(attachments)) return answer(200, { ok: false, error: "invalid_attachments" });
      if (!text && !(blocks as unknown[] | undefined)?.length && !(attachments as unknown[] | undefined)?.length) return answer(200, { ok: false, error: "no_text" });
      if (text.length > MAX_TEXT) return answer(200, { ok: false, error: "msg_too_long" });
      const ts = nextTs();
      const m: PostedMessage = { channel: ch.id, ts, text, contentType: req.headers["content-type"] };
      for (const k of ["thread_ts", "reply_broadcast", "username", "icon_emoji", "icon_url", "attachments", "blocks", "metadata"] as const)
        if (body[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = body[k];
      messages.push(m);
      answer(200, { ok: true, channel: ch.id, ts, message: { type: "message", subtype: "bot_message", text, ts, bot_id: "B0IMPULSE" } });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    messages,
    calls,
    rateLimitNext: (count, retryAfter) => {
      for (let i = 0; i < count; i++) queue.push({ kind: "ratelimit", retryAfter });
    },
    failNext: (count, error, status = 200) => {
      for (let i = 0; i < count; i++) queue.push({ kind: "fail", error, status });
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
