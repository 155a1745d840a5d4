// A local stand-in for Microsoft Teams' incoming webhooks and Workflows HTTP triggers, written from Microsoft's docs: Teams cannot be reached from tests.
// What it reproduces: connector webhooks (/webhookb2/…) answer 200 with the body "1", 400 for a body that is not JSON or
// a card without summary or text, 404 for an unknown webhook, 413 above 28 KB, 429 + Retry-After when throttled, and the
// connectors' habit of answering 200 with an error text; Workflows URLs (/workflows/<id>/triggers/manual/paths/invoke)
// answer 202 for {type: "message", attachments: [adaptive card]} and 400 otherwise.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const MAX_BYTES = 28 * 1024;

export interface TeamsPost {
  kind: "connector" | "workflows";
  webhook: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

export interface TeamsWebhooks {
  /** A connector webhook URL (MessageCard). */
  connectorUrl: string;
  /** A Workflows (Power Automate / Logic Apps) HTTP trigger URL (Adaptive Card). */
  workflowsUrl: string;
  /** A well-formed URL of a webhook that was deleted: answers 404. */
  deletedUrl: string;
  received: TeamsPost[];
  /** The next `count` posts answer 429 with this Retry-After (seconds). */
  throttleNext(count: number, retryAfterSeconds: number): void;
  /** The next `count` connector posts answer 200 with an error text instead of "1", as connectors do. */
  fail200Next(count: number, text: string): void;
  close(): Promise<void>;
}

export async function startTeamsWebhooks(): Promise<TeamsWebhooks> {
  const received: TeamsPost[] = [];
  const connector = `${randomBytes(8).toString("hex")}@${randomBytes(8).toString("hex")}/IncomingWebhook/${randomBytes(16).toString("hex")}/${randomBytes(8).toString("hex")}`;
  const flow = randomBytes(16).toString("hex");
  const faults: ({ kind: "throttle"; retryAfter: number } | { kind: "fail200"; text: string })[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
        res.end(text);
      };
      const path = decodeURIComponent((req.url ?? "").split("?")[0]!);
      const isConnector = path === `/webhookb2/${connector}`;
      const isFlow = path === `/workflows/${flow}/triggers/manual/paths/invoke`;
      if (req.method !== "POST") return answer(405, "Method not allowed");
      if (!isConnector && !isFlow) return answer(404, "Webhook not found");
      const raw = Buffer.concat(chunks);
      if (raw.length > MAX_BYTES) return answer(413, "Message size exceeds the limit");
      const fault = faults[0];
      if (fault?.kind === "throttle") {
        faults.shift();
        return answer(429, "Too many requests", { "retry-after": String(fault.retryAfter) });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        return answer(400, "Bad payload received by generic incoming webhook.");
      }
      const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
      if (isConnector) {
        if (fault?.kind === "fail200") {
          faults.shift();
          return answer(200, fault.text);
        }
        if (!body["summary"] && !body["text"]) return answer(400, "Summary or Text is required.");
        received.push({ kind: "connector", webhook: connector, body, idempotencyKey });
        return answer(200, "1");
      }
      const attachments = body["attachments"] as { contentType?: string; content?: { type?: string } }[] | undefined;
      if (body["type"] !== "message" || !Array.isArray(attachments) || attachments[0]?.contentType !== "application/vnd.microsoft.card.adaptive" || attachments[0]?.content?.type !== "AdaptiveCard") {
        res.writeHead(400, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: { code: "InvalidRequestContent", message: "The request content is not a message with an Adaptive Card attachment." } }));
      }
      received.push({ kind: "workflows", webhook: flow, body, idempotencyKey });
      answer(202, "");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    connectorUrl: `${base}/webhookb2/${connector}`,
    workflowsUrl: `${base}/workflows/${flow}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${randomBytes(16).toString("hex")}`,
    deletedUrl: `${base}/webhookb2/${randomBytes(8).toString("hex")}/IncomingWebhook/${randomBytes(8).toString("hex")}`,
    received,
    throttleNext: (count, retryAfter) => {
      for (let i = 0; i < count; i++) faults.push({ kind: "throttle", retryAfter });
    },
    fail200Next: (count, text) => {
      for (let i = 0; i < count; i++) faults.push({ kind: "fail200", text });
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
