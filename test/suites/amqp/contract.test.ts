// The queue-like source contract for the amqp EventSource (delivery, SIGKILL mid-stream, bus and broker outages, poison), on its own RabbitMQ.
import assert from "node:assert/strict";
import { it } from "node:test";
import { connect } from "amqplib";
import { amqpPublish } from "../../kit/amqp-io.js";
import { rabbitMqMissing, startRabbitMq } from "../../kit/rabbitmq.js";
import { sourceContract } from "../../kit/source-contract.js";

const missing = rabbitMqMissing();
if (missing) it("amqp EventSource contract", { skip: missing }, () => undefined);
if (!missing)
  sourceContract({
    type: "amqp",
    guarantee: "at-least-once",
    async start() {
      const rmq = await startRabbitMq();
      /** Every message gets a message id, as the stored-once guarantee needs: a redelivery keeps it. */
      let sent = 0;
      return {
        // A named, durable, shared queue per channel: it keeps messages while the source is dead or the broker restarts.
        eventConfig: (channel) => ({
          url: rmq.url,
          exchangeName: channel,
          exchangeType: "direct",
          routingKey: channel,
          jsonBody: true,
          queueDeclare: { name: channel, durable: true, exclusive: false },
          connectionBackoff: { duration: "200ms" },
        }),
        // The queue exists before the source first connects, so nothing published in between is unroutable.
        prepare: async (channel) => {
          const c = await connect(rmq.url);
          const ch = await c.createChannel();
          await ch.assertExchange(channel, "direct", { durable: true });
          await ch.assertQueue(channel, { durable: true, exclusive: false, autoDelete: false });
          await ch.bindQueue(channel, channel, channel);
          await c.close();
        },
        publish: (channel, payloads) => amqpPublish(rmq.url, channel, "direct", payloads.map((body) => ({ body, routingKey: channel, options: { messageId: `m-${++sent}` } }))),
        expectData: (d, channel) => {
          assert.equal(d["exchange"], channel);
          assert.equal(d["routingKey"], channel);
          assert.equal(d["deliveryMode"], 2);
          assert.match(String(d["messageId"]), /^m-\d+$/);
          return d["body"];
        },
        down: () => rmq.pause(),
        up: () => rmq.start(),
        stop: () => rmq.stop(),
      };
    },
  });
