// Unit tests for the email template checks, Message-IDs and SMTP failure classes.
import assert from "node:assert/strict";
import { it } from "node:test";
import { addressOf, messageId, smtpRetryable } from "./message.js";

it("accepts plain and named addresses, including ones Argo's check refuses", () => {
  assert.equal(addressOf("ana+alerts@example.company"), "ana+alerts@example.company");
  assert.equal(addressOf("Ana <ana@example.com>"), "ana@example.com");
  assert.equal(addressOf("ana@localhost"), undefined);
  assert.equal(addressOf("a b@example.com"), undefined);
});

it("gives each recipient of a firing its own stable Message-ID in the sender's domain", () => {
  const a = messageId("k", "ana@example.com", "alerts@corp.example");
  assert.equal(a, messageId("k", "Ana <ANA@example.com>", "alerts@corp.example"));
  assert.notEqual(a, messageId("k", "bo@example.com", "alerts@corp.example"));
  assert.match(a, /^<k\.[0-9a-f]{12}@corp\.example>$/);
});

it("retries 4xx replies (454: auth temporarily failed too) and connection errors, not 5xx replies", () => {
  assert.equal(smtpRetryable({ responseCode: 451, message: "" }), true);
  assert.equal(smtpRetryable({ code: "ECONNECTION", message: "" }), true);
  assert.equal(smtpRetryable({ responseCode: 550, message: "" }), false);
  assert.equal(smtpRetryable({ code: "EAUTH", responseCode: 454, message: "" }), true);
  assert.equal(smtpRetryable({ code: "EAUTH", responseCode: 535, message: "" }), false);
});
