import assert from "node:assert/strict";
import { it } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { sqsEventData, sqsEventId } from "./data.js";

it("gives Argo's SQS data: messageId, attributes with the Go SDK's names, JSON body with jsonBody, metadata", () => {
  const m = {
    MessageId: "m-1",
    Body: '{"a":1}',
    MessageAttributes: { kind: { DataType: "String", StringValue: "order" }, raw: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2]) } },
  };
  assert.deepEqual(sqsEventData(m, true, { team: "x" }), {
    messageId: "m-1",
    messageAttributes: { kind: { DataType: "String", StringValue: "order" }, raw: { DataType: "Binary", BinaryValue: "AQI=" } },
    body: { a: 1 },
    metadata: { team: "x" },
  });
});

it("base64-encodes the body without jsonBody (as Argo's []byte) and omits empty metadata", () => {
  assert.deepEqual(sqsEventData({ MessageId: "m", Body: "hi" }, false, {}), { messageId: "m", messageAttributes: {}, body: "aGk=" });
});

it("counts a body that is not JSON as poison with jsonBody", () => {
  assert.throws(() => sqsEventData({ MessageId: "m", Body: "not json {" }, true, undefined), PoisonMessage);
});

it("derives the event id from the MessageId, so a redelivery is the same event", () => {
  assert.equal(sqsEventId("es", "in", "q", "m-1"), sqsEventId("es", "in", "q", "m-1"));
  assert.notEqual(sqsEventId("es", "in", "q", "m-1"), sqsEventId("es", "in", "q", "m-2"));
});
