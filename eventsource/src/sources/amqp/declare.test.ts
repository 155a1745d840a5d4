import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AMQPConfig } from "@impulse/api";
import { declareSettings } from "./declare.js";

const base: AMQPConfig = { url: "amqp://x", exchangeName: "e", exchangeType: "fanout", routingKey: "k" };

describe("amqp declare settings", () => {
  it("uses Argo's defaults when the blocks are left out: durable exchange, broker-named exclusive queue", () => {
    const s = declareSettings(base);
    assert.deepEqual(s.exchange, { durable: true, autoDelete: false, internal: false });
    assert.equal(s.queueName, "");
    assert.deepEqual(s.queue, { durable: false, autoDelete: false, exclusive: true, arguments: undefined });
  });

  it("takes Go's zero values inside a block that is given, parses queue arguments, and never auto-acks", () => {
    const s = declareSettings({
      ...base,
      exchangeDeclare: { autoDelete: true },
      queueDeclare: { name: "q", durable: true, arguments: "x-queue-type: quorum\nx-max-length: 10" },
      consume: { consumerTag: "t", autoAck: true, exclusive: true },
    });
    assert.deepEqual(s.exchange, { durable: false, autoDelete: true, internal: false });
    assert.deepEqual(s.queue, { durable: true, autoDelete: false, exclusive: false, arguments: { "x-queue-type": "quorum", "x-max-length": 10 } });
    assert.deepEqual(s.consume, { consumerTag: "t", exclusive: true, noLocal: false, noAck: false });
  });
});
