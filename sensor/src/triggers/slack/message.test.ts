// Unit tests for building chat.postMessage bodies and reading Slack's answers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { retryAfterMs } from "../notify/post.js";
import { channelOf, postMessageBody, readAnswer } from "./message.js";

const token = { name: "s", key: "k" };
const ids = { idempotencyKey: "abc", sensor: "s", trigger: "t" };

describe("postMessageBody", () => {
  it("maps Argo's fields to the Web API's", () => {
    const body = postMessageBody(
      { slackToken: token, channel: "#x", message: "hi", attachments: '[{"text":"a"}]', blocks: "", sender: { username: "bot", icon: "https://example.com/i.png" }, thread: { broadcastMessageToChannel: true } },
      { channel: "x", threadTs: "1.2", ...ids },
    );
    assert.deepEqual(body, {
      channel: "x",
      text: "hi",
      attachments: [{ text: "a" }],
      thread_ts: "1.2",
      reply_broadcast: true,
      username: "bot",
      icon_url: "https://example.com/i.png",
      metadata: { event_type: "impulse_firing", event_payload: { idempotency_key: "abc", sensor: "s", trigger: "t" } },
    });
  });

  it("broadcasts only replies, and drops an icon that is neither an emoji nor a URL", () => {
    const body = postMessageBody({ slackToken: token, message: "hi", sender: { icon: "robot" }, thread: { broadcastMessageToChannel: true } }, { channel: "x", ...ids });
    assert.equal(body["reply_broadcast"], undefined);
    assert.equal(body["icon_emoji"], undefined);
    assert.equal(body["icon_url"], undefined);
  });

  it("refuses a message with nothing to post and blocks that are not a JSON array", () => {
    assert.throws(() => postMessageBody({ slackToken: token }, { channel: "x", ...ids }), (e: unknown) => e instanceof ImpulseError && e.code === ErrorCodes.ParameterFailed);
    assert.throws(() => postMessageBody({ slackToken: token, blocks: "{}" }, { channel: "x", ...ids }), /blocks is not a JSON array/);
  });

  it("drops a leading # from the channel, as Argo does", () => {
    assert.equal(channelOf({ slackToken: token, channel: "#alerts" }), "alerts");
    assert.throws(() => channelOf({ slackToken: token, channel: " " }), /channel is empty/);
  });
});

describe("readAnswer", () => {
  it("returns the channel and ts of ok:true", () => {
    assert.deepEqual(readAnswer(200, '{"ok":true,"channel":"C1","ts":"1.2"}', "w"), { channel: "C1", ts: "1.2", warning: undefined });
  });
  it("treats ok:false as a failure, retryable only for Slack's transient errors", () => {
    const err = (status: number, text: string) => {
      try {
        readAnswer(status, text, "post");
      } catch (e) {
        return e as ImpulseError;
      }
      throw new Error("no error");
    };
    const missing = err(200, '{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"users:read"}');
    assert.equal(missing.message, "post: Slack answered missing_scope (needed scope chat:write; token has users:read)");
    assert.equal(missing.retryable, false);
    assert.equal(err(200, '{"ok":false,"error":"internal_error"}').retryable, true);
    assert.equal(err(429, '{"ok":false,"error":"ratelimited"}').retryable, true);
    assert.equal(err(502, "<html>bad gateway</html>").retryable, true);
    assert.equal(err(404, "no").retryable, false);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    assert.equal(retryAfterMs("3"), 3000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(retryAfterMs("soon"), undefined);
    assert.equal(retryAfterMs(undefined), undefined);
  });
});
