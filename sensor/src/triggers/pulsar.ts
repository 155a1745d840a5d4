// The pulsar trigger: one message per firing through the broker's WebSocket producer API, successful once the broker stored it.
import { ErrorCodes, ImpulseError, pulsarTopicPath, pulsarWebSocketBase, PulsarTriggerTemplate, resolvePulsarClientOptions } from "@impulse/api";
import type { ClientOptions, default as WebSocket } from "ws";
import { changedEndpointCheck } from "../egress/endpoints.js";
import { defineTrigger, type TriggerContext } from "./define.js";

export interface PulsarResult {
  topic: string;
  messageId: string;
}

/** How long the broker may take to confirm a message before the attempt fails (and is retried). */
const SEND_TIMEOUT_MS = 30_000;

interface Producer {
  send(message: object, signal: AbortSignal): Promise<{ result: string; messageId?: string; errorMsg?: string }>;
}

/** One producer connection per broker, topic and credentials, opened by the first firing; a closed one is reopened. */
function producers(ctx: TriggerContext) {
  const open = new Map<string, Promise<{ ws: WebSocket; producer: Producer }>>();
  ctx.signal.addEventListener("abort", () => void Promise.allSettled([...open.values()].map(async (p) => (await p).ws.close())), { once: true });
  let seq = 0;
  return (t: PulsarTriggerTemplate): Promise<Producer> => {
    const key = JSON.stringify([t.url, t.webServiceURL, t.topic, t.authTokenSecret, t.tls, t.tlsTrustCertsSecret, t.tlsAllowInsecureConnection, t.tlsValidateHostname]);
    let p = open.get(key);
    if (!p) {
      p = (async () => {
        const { default: WS } = await import("ws");
        const options = await resolvePulsarClientOptions(t, ctx.secrets);
        const url = `${pulsarWebSocketBase(t.url, t.webServiceURL)}/producer/${pulsarTopicPath(t.topic)}`;
        const ws = new WS(url, { ...(options as ClientOptions), handshakeTimeout: 10_000 });
        const waiting = new Map<string, (r: { result: string; messageId?: string; errorMsg?: string }) => void>();
        await new Promise<void>((resolve, reject) => {
          ws.once("open", () => resolve());
          ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode} ${res.statusMessage ?? ""}`.trim())));
          ws.once("error", reject);
        });
        ws.on("message", (raw) => {
          let r: { result: string; context?: string; messageId?: string; errorMsg?: string };
          try {
            r = JSON.parse(raw.toString());
          } catch {
            return; // not an answer to a send: nothing waits for it
          }
          if (r.context) waiting.get(r.context)?.(r);
        });
        ws.on("error", () => undefined);
        ws.on("close", () => {
          open.delete(key);
          for (const done of waiting.values()) done({ result: "closed", errorMsg: "connection closed before the broker confirmed" });
        });
        const producer: Producer = {
          send: (message, signal) =>
            new Promise((resolve) => {
              const context = String(++seq);
              const finish = (r: { result: string; messageId?: string; errorMsg?: string }) => {
                clearTimeout(timer);
                signal.removeEventListener("abort", onAbort);
                waiting.delete(context);
                resolve(r);
              };
              const onAbort = () => finish({ result: "aborted", errorMsg: "the sensor is stopping" });
              const timer = setTimeout(() => finish({ result: "timeout", errorMsg: `no confirmation within ${SEND_TIMEOUT_MS / 1000} s` }), SEND_TIMEOUT_MS);
              signal.addEventListener("abort", onAbort, { once: true });
              waiting.set(context, finish);
              ws.send(JSON.stringify({ ...message, context }));
            }),
        };
        return { ws, producer };
      })();
      open.set(key, p);
      p.catch(() => open.delete(key));
    }
    return p.then((x) => x.producer);
  };
}

export const pulsar = defineTrigger({
  type: "pulsar",
  templateSchema: PulsarTriggerTemplate,
  hasPayload: true,
  supportsTls: true,
  create(ctx) {
    const producerFor = producers(ctx);
    const checkServer = ctx.template ? changedEndpointCheck(ctx.egress) : undefined;
    const configured = ctx.template?.pulsar;
    return {
      async execute({ template: t, payload, idempotencyKey, replay }, signal): Promise<PulsarResult> {
        if (configured && (t.url !== configured.url || t.webServiceURL !== configured.webServiceURL) && t.authTokenSecret)
          throw new ImpulseError(ErrorCodes.ParameterFailed, "template.pulsar.url was changed by a parameter: the authTokenSecret is sent only to the configured url");
        await checkServer?.(configured?.url, t.url, (u) => [pulsarWebSocketBase(u).replace(/^ws/, "http")]);
        let producer: Producer;
        try {
          producer = await producerFor(t);
        } catch (e) {
          const refused = /HTTP 40[13]/.test((e as Error).message);
          throw new ImpulseError(ErrorCodes.TriggerFailed, `pulsar producer for ${t.topic} at ${t.url}: ${(e as Error).message}`, { retryable: !refused, cause: e });
        }
        const body = Buffer.from(JSON.stringify(payload ?? {}), "utf8").toString("base64");
        // The idempotency key as a message property: a consumer can drop the copy a retried firing may produce.
        const properties: Record<string, string> = { "Idempotency-Key": idempotencyKey, ...(replay ? { "Impulse-Replay": replay } : {}) };
        const r = await producer.send({ payload: body, properties, key: idempotencyKey }, signal);
        if (r.result !== "ok") throw new ImpulseError(ErrorCodes.TriggerFailed, `pulsar send to ${t.topic}: ${r.result}${r.errorMsg ? `: ${r.errorMsg}` : ""}`, { retryable: true });
        return { topic: t.topic, messageId: r.messageId ?? "" };
      },
    };
  },
  applyPolicy() {},
  describe: (r) => `pulsar ${r.topic} (message ${r.messageId})`,
});
