// Schema of one `spec.amqp.<eventName>` entry, with Argo Events' field names (AMQPEventSource, RabbitMQ / AMQP 0-9-1).
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BasicAuth } from "../../common/basic-auth.js";
import { TLSConfig } from "../../common/security.js";
import { Backoff, SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

const noWait = z.boolean().optional().describe("Accepted for Argo compatibility; Impulse always waits for the broker's answer (an error must be seen).");

export const AMQPExchangeDeclareConfig = z
  .strictObject({
    durable: z.boolean().optional().describe("The exchange survives a broker restart (default true)."),
    autoDelete: z.boolean().optional().describe("The broker deletes the exchange when its last binding goes."),
    internal: z.boolean().optional().describe("The exchange takes no publishes from clients."),
    noWait,
  })
  .describe("How the exchange is declared (default: durable).");

/** Argo's `arguments`: a YAML (or JSON) mapping as a string, the queue's x-arguments. */
export function parseQueueArguments(src: string | undefined): Record<string, unknown> | undefined {
  if (!src || !src.trim()) return undefined;
  const v: unknown = parseYaml(src);
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new Error("must be a YAML mapping such as 'x-queue-type: quorum'");
  return v as Record<string, unknown>;
}

export const AMQPQueueDeclareConfig = z
  .strictObject({
    name: z.string().optional().describe("Queue name; empty lets the broker name it (then it lives only as long as the connection)."),
    durable: z.boolean().optional().describe("The queue survives a broker restart."),
    autoDelete: z.boolean().optional().describe("The broker deletes the queue when its last consumer goes."),
    exclusive: z.boolean().optional().describe("Only this connection may use the queue, and it is deleted when the connection closes (default true, as in Argo)."),
    noWait,
    arguments: z
      .string()
      .optional()
      .superRefine((s, ctx) => {
        try {
          parseQueueArguments(s);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: `is not a YAML mapping: ${(e as Error).message}` });
        }
      })
      .describe("Queue x-arguments as a YAML mapping in a string, e.g. 'x-queue-type: quorum'."),
  })
  .describe("How the queue is declared (default: broker-named, exclusive, not durable, as in Argo).");

export const AMQPQueueBindConfig = z.strictObject({ noWait }).describe("How the queue is bound to the exchange.");

export const AMQPConsumeConfig = z
  .strictObject({
    consumerTag: z.string().optional().describe("Consumer tag (default: one the broker makes)."),
    autoAck: z
      .boolean()
      .optional()
      .describe("Accepted for Argo compatibility and ignored: Impulse acknowledges a message only after the bus stored its event."),
    exclusive: z.boolean().optional().describe("Be the queue's only consumer."),
    noLocal: z.boolean().optional().describe("Passed to the broker (RabbitMQ ignores it)."),
    noWait,
  })
  .describe("How the queue is consumed.");

export const AMQPConfig = z
  .strictObject({
    url: z
      .string()
      .regex(/^amqps?:\/\//, "must be an amqp:// or amqps:// URL")
      .optional()
      .describe("Broker URL, amqp://host:5672/vhost or amqps:// for TLS."),
    urlSecret: SecretKeySelector.optional().describe("Secret key holding the broker URL (instead of url, when it carries credentials)."),
    exchangeName: z.string().min(1).describe("Exchange to declare and bind the queue to."),
    exchangeType: z.string().min(1).describe("Exchange type: direct, fanout, topic, headers (or a plugin's type)."),
    routingKey: z.string().min(1).describe("Binding key of the queue on the exchange."),
    connectionBackoff: Backoff.optional().describe("Backoff between connection attempts while the broker is unreachable (default 1s, doubling, up to 30s)."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; one that is not JSON is counted and dropped (nacked without requeue)."),
    tls: TLSConfig.optional(),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    exchangeDeclare: AMQPExchangeDeclareConfig.optional(),
    queueDeclare: AMQPQueueDeclareConfig.optional(),
    queueBind: AMQPQueueBindConfig.optional(),
    consume: AMQPConsumeConfig.optional(),
    auth: BasicAuth.optional().describe("User name and password (SASL PLAIN) from Secrets."),
    filter: EventSourceFilter.optional(),
  })
  .refine((c) => !c.url !== !c.urlSecret, { message: "set exactly one of url and urlSecret", path: ["url"] })
  .describe("Messages of a RabbitMQ queue bound to an exchange become events; each is acknowledged only after the bus stored its event.");

export type AMQPConfig = z.output<typeof AMQPConfig>;
