// Unit tests for telling Workflows URLs from connector URLs and for reading the webhooks' answers.
import assert from "node:assert/strict";
import { it } from "node:test";
import { isWorkflowsUrl, messageCard, readTeamsAnswer } from "./card.js";

it("recognises Workflows (Power Automate, Logic Apps) URLs", () => {
  assert.ok(isWorkflowsUrl("https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x"));
  assert.ok(isWorkflowsUrl("https://default1.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke"));
  assert.ok(!isWorkflowsUrl("https://example.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d"));
});

it("takes a connector's 200 as success only with the body 1", () => {
  assert.doesNotThrow(() => readTeamsAnswer("messageCard", 200, "1", "w"));
  assert.throws(() => readTeamsAnswer("messageCard", 200, "Microsoft Teams endpoint returned HTTP error 429", "w"), (e: { retryable: boolean }) => e.retryable);
  assert.throws(() => readTeamsAnswer("messageCard", 200, "Webhook Bad Request - Null or empty event", "w"), (e: { retryable: boolean }) => !e.retryable);
  assert.doesNotThrow(() => readTeamsAnswer("adaptiveCard", 202, "", "w"));
});

it("gives a card a summary, as connectors require one", () => {
  assert.equal(messageCard({ webhookUrl: { name: "a", key: "b" }, text: "hello" })["summary"], "hello");
});
