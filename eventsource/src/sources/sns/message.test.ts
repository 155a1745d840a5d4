import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { test } from "node:test";
import { parseSnsMessage, signatureValid, stringToSign, type SnsMessage } from "./message.js";

const note: SnsMessage = {
  Type: "Notification",
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: "arn:aws:sns:us-west-2:123456789012:MyTopic",
  Subject: "My First Message",
  Message: "Hello world!",
  Timestamp: "2012-05-02T00:54:06.655Z",
  SignatureVersion: "1",
};

test("the string to sign lists AWS's fields in order, Subject only when present", () => {
  assert.equal(
    stringToSign(note),
    "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\nTimestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n",
  );
  const { Subject: _s, ...noSubject } = note;
  assert.ok(!stringToSign(noSubject as SnsMessage).includes("Subject"));
  const conf = { ...noSubject, Type: "SubscriptionConfirmation", Token: "t0k", SubscribeURL: "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription" } as SnsMessage;
  assert.match(stringToSign(conf), /^Message\n.*\nMessageId\n.*\nSubscribeURL\n.*\nTimestamp\n.*\nToken\nt0k\nTopicArn\n.*\nType\nSubscriptionConfirmation\n$/s);
});

test("SignatureVersion 1 (SHA1) and 2 (SHA256) verify; a changed field, another key or version fails", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
  for (const [version, algo] of [["1", "sha1"], ["2", "sha256"]] as const) {
    const m = { ...note, SignatureVersion: version, Signature: sign(algo, Buffer.from(stringToSign(note)), privateKey).toString("base64") };
    assert.equal(signatureValid(m, publicKey), true, `version ${version}`);
    assert.equal(signatureValid({ ...m, Message: "Hello world?" }, publicKey), false);
    assert.equal(signatureValid(m, other), false);
    assert.equal(signatureValid({ ...m, SignatureVersion: version === "1" ? "2" : "1" }, publicKey), false);
    assert.equal(signatureValid({ ...m, SignatureVersion: "3" }, publicKey), false);
    assert.equal(signatureValid({ ...m, Signature: "" }, publicKey), false);
  }
});

test("a body that is not an SNS message is 400", () => {
  const bad = (v: unknown) => assert.throws(() => parseSnsMessage(Buffer.from(JSON.stringify(v))), (e: { status?: number }) => e.status === 400);
  bad([1]);
  bad({ ...note, Type: "Other" });
  bad({ ...note, MessageId: 5 });
  bad({ ...note, Type: "SubscriptionConfirmation" });
  assert.throws(() => parseSnsMessage(Buffer.from("{")), (e: { status?: number }) => e.status === 400);
  assert.equal(parseSnsMessage(Buffer.from(JSON.stringify(note))).MessageId, note.MessageId);
});
