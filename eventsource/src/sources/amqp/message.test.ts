import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { amqpEventData, amqpEventId, type AmqpDeliveryIn } from "./message.js";

const msg = (content: string, properties: AmqpDeliveryIn["properties"] = {}): AmqpDeliveryIn => ({
  content: Buffer.from(content),
  fields: { exchange: "orders", routingKey: "eu.new" },
  properties,
});

describe("amqp message → event data", () => {
  it("has Argo's AMQPEventData fields, with Go's zero values where the message has no property", () => {
    assert.deepEqual(amqpEventData(msg('{"a":1}'), true, undefined), {
      contentType: "",
      contentEncoding: "",
      deliveryMode: 0,
      priority: 0,
      correlationId: "",
      replyTo: "",
      expiration: "",
      messageId: "",
      timestamp: "0001-01-01 00:00:00 +0000 UTC",
      type: "",
      appId: "",
      exchange: "orders",
      routingKey: "eu.new",
      body: { a: 1 },
    });
  });

  it("copies the properties, prints the timestamp as Go does, and adds metadata", () => {
    const d = amqpEventData(
      msg("hi", { contentType: "text/plain", deliveryMode: 2, priority: 5, messageId: "m-1", timestamp: 1_700_000_000, appId: "shop", type: "order" }),
      false,
      { team: "a" },
    );
    assert.equal(d["body"], "aGk=", "base64 without jsonBody, as Go marshals []byte");
    assert.equal(d["timestamp"], "2023-11-14 22:13:20 +0000 UTC");
    assert.deepEqual([d["contentType"], d["deliveryMode"], d["priority"], d["messageId"], d["appId"], d["type"]], ["text/plain", 2, 5, "m-1", "shop", "order"]);
    assert.deepEqual(d["metadata"], { team: "a" });
  });

  it("calls a body that is not JSON poison when jsonBody is set", () => {
    assert.throws(() => amqpEventData(msg("not json {"), true, undefined), PoisonMessage);
    assert.throws(() => amqpEventData(msg(""), true, undefined), PoisonMessage);
  });

  it("takes the event id from the message id when there is one", () => {
    assert.equal(amqpEventId(msg("x", { messageId: "order-42" })), "order-42");
    assert.equal(amqpEventId(msg("x")), undefined);
    assert.equal(amqpEventId(msg("x", { messageId: "" })), undefined);
  });
});
