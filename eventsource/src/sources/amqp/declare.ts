// What an amqp event declares and how it consumes: Argo's defaults where the spec leaves a block out (pure).
import { parseQueueArguments, type AMQPConfig } from "@impulse/api";

/** Argo's defaults (setDefaults in its amqp source) where the spec leaves a block out. */
export function declareSettings(c: AMQPConfig) {
  const ex = c.exchangeDeclare ?? { durable: true };
  const q = c.queueDeclare ?? { exclusive: true };
  return {
    exchange: { durable: ex.durable ?? false, autoDelete: ex.autoDelete ?? false, internal: ex.internal ?? false },
    queueName: q.name ?? "",
    queue: { durable: q.durable ?? false, autoDelete: q.autoDelete ?? false, exclusive: q.exclusive ?? false, arguments: parseQueueArguments(q.arguments) },
    consume: {
      ...(c.consume?.consumerTag ? { consumerTag: c.consume.consumerTag } : {}),
      exclusive: c.consume?.exclusive ?? false,
      noLocal: c.consume?.noLocal ?? false,
      // Never auto-ack: the broker must keep a message until the bus stored its event.
      noAck: false,
    },
  };
}
