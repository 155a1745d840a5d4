// Azure queue event data keeps Argo's shape (body, messageID, insertionTime, metadata); bodies decode as Argo's do.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { azureQueueEventData, azureQueueEventId, messageBody } from "./data.js";

const m = { messageId: "5f1c", messageText: '{"a":1}', insertedOn: new Date("2026-01-02T03:04:05Z") };

test("Argo's fields; metadata only when set; a JSON body parsed with jsonBody", () => {
  assert.deepEqual(azureQueueEventData(m, { jsonBody: true, decodeMessage: false }, undefined), { body: { a: 1 }, messageID: "5f1c", insertionTime: "2026-01-02T03:04:05Z" });
  assert.deepEqual(azureQueueEventData(m, { jsonBody: true, decodeMessage: false }, { k: "v" })["metadata"], { k: "v" });
});

test("without jsonBody the body is base64 of the bytes, as Go marshals []byte", () => {
  assert.equal(messageBody("hi", { jsonBody: false, decodeMessage: false }), "aGk=");
});

test("decodeMessage decodes standard or URL base64 before jsonBody; anything else is poison", () => {
  assert.deepEqual(messageBody("eyJ4IjoiPz8+In0=", { jsonBody: true, decodeMessage: true }), { x: "??>" });
  assert.deepEqual(messageBody("eyJ4IjoiPz8-In0=", { jsonBody: true, decodeMessage: true }), { x: "??>" });
  assert.throws(() => messageBody("not base64!", { jsonBody: false, decodeMessage: true }), PoisonMessage);
  assert.throws(() => messageBody("not json {", { jsonBody: true, decodeMessage: false }), PoisonMessage);
});

test("the id names the EventSource, event, account, queue and message", () => {
  assert.equal(azureQueueEventId("es", "e", "devstoreaccount1", "orders", "5f1c"), "es:e:devstoreaccount1/orders:5f1c");
});
