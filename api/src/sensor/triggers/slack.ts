// Schema of `template.slack`: one chat.postMessage per firing, with Argo's fields (SlackTrigger) and one Impulse extension (apiUrl).
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

/** A JSON array given as a string, as Argo takes attachments and blocks; checked at lint when it is not templated by a parameter. */
const jsonArrayString = (what: string) =>
  z
    .string()
    .refine((s) => {
      if (s.trim() === "") return true;
      try {
        return Array.isArray(JSON.parse(s));
      } catch {
        return false;
      }
    }, `must be a JSON array of Slack ${what}, given as a string`);

export const SlackTriggerTemplate = z
  .strictObject({
    slackToken: SecretKeySelector.describe("Secret key holding the Slack bot (xoxb-) or user token; sent as a Bearer token, never logged."),
    channel: z.string().optional().describe("Channel ID (C0123…) or name (#alerts, leading # optional). Required when the message is sent."),
    message: z.string().optional().describe("Message text (Slack mrkdwn); the notification fallback when blocks or attachments are set."),
    attachments: jsonArrayString("attachments").optional().describe("JSON array of Slack attachments, as a string."),
    blocks: jsonArrayString("blocks").optional().describe("JSON array of Block Kit blocks, as a string."),
    thread: z
      .strictObject({
        messageAggregationKey: z.string().optional().describe("Messages with the same key go to one thread in the channel: the first starts it, later ones reply."),
        broadcastMessageToChannel: z.boolean().optional().describe("Also show replies in the channel (reply_broadcast)."),
      })
      .optional()
      .describe("Threading of messages."),
    sender: z
      .strictObject({
        username: z.string().optional().describe("Display name of the sender (needs the chat:write.customize scope)."),
        icon: z.string().optional().describe("Sender icon: an emoji such as :robot_face: or an http(s) image URL."),
      })
      .optional()
      .describe("How the sender appears."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this slack template (e.g. dest: message, dest: channel)."),
    apiUrl: HttpUrl.optional().describe(
      "Impulse: base URL of the Slack Web API (default https://slack.com/api/), e.g. a proxy or a local test server. Parameters cannot change it.",
    ),
  })
  .describe("Posts a message to a Slack channel with chat.postMessage.");
export type SlackTriggerTemplate = z.output<typeof SlackTriggerTemplate>;
