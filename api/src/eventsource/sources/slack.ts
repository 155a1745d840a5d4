// Schema of one `spec.slack.<eventName>` entry, with Argo Events' field names (SlackEventSource).
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const SlackConfig = z
  .strictObject({
    webhook: WebhookContext,
    signingSecret: SecretKeySelector.describe(
      "The Slack app's signing secret: every request's X-Slack-Signature is checked against it, and requests older than 5 minutes are refused.",
    ),
    token: SecretKeySelector.optional().describe("The app's (legacy) verification token: when set, an Events API request carrying another token is refused."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .describe("Slack Events API requests, interactive payloads and slash commands, verified with the app's signing secret.");

export type SlackConfig = z.output<typeof SlackConfig>;
