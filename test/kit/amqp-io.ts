// Publishes to and inspects a test RabbitMQ broker with amqplib: what the suites of the amqp EventSource drive it with.
import { connect, type Options } from "amqplib";

export interface AmqpPublish {
  body: string | Buffer;
  routingKey?: string;
  options?: Options.Publish;
}

/** Publishes with publisher confirms (so the broker has every message when this resolves), declaring the exchange first. */
export async function amqpPublish(url: string, exchange: string, type: string, messages: AmqpPublish[], exchangeOptions: Options.AssertExchange = { durable: true }): Promise<void> {
  const c = await connect(url);
  try {
    const ch = await c.createConfirmChannel();
    await ch.assertExchange(exchange, type, exchangeOptions);
    for (const m of messages) ch.publish(exchange, m.routingKey ?? "", Buffer.isBuffer(m.body) ? m.body : Buffer.from(m.body), { persistent: true, ...m.options });
    await ch.waitForConfirms();
    await ch.close();
  } finally {
    await c.close();
  }
}

/** Messages ready in a queue (not counting those delivered and not yet acknowledged), or undefined when it does not exist. */
export async function queueReady(url: string, queue: string): Promise<number | undefined> {
  const c = await connect(url);
  try {
    const ch = await c.createChannel();
    ch.on("error", () => undefined);
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } catch {
      return undefined;
    }
  } finally {
    await c.close().catch(() => undefined);
  }
}

/** Takes every ready message of a queue (acknowledging them): what a dead-letter queue holds. */
export async function drainQueue(url: string, queue: string): Promise<{ body: string; headers: Record<string, unknown> }[]> {
  const c = await connect(url);
  try {
    const ch = await c.createChannel();
    const out: { body: string; headers: Record<string, unknown> }[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) return out;
      out.push({ body: m.content.toString(), headers: (m.properties.headers ?? {}) as Record<string, unknown> });
    }
  } finally {
    await c.close();
  }
}
