// Schema of `template.msTeams` (an Impulse kind; Argo has none): a card posted to a Teams incoming webhook or Workflows URL, with notifications-engine's message fields.
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

/** A JSON value given as a string (templated by parameters, as notifications-engine's fields are); checked again after parameters. */
const jsonString = (what: string, shape: "array" | "object") =>
  z.string().refine((s) => {
    if (s.trim() === "") return true;
    try {
      const v: unknown = JSON.parse(s);
      return shape === "array" ? Array.isArray(v) : v !== null && typeof v === "object" && !Array.isArray(v);
    } catch {
      return false;
    }
  }, `must be a JSON ${shape} (${what}), given as a string`);

export const MS_TEAMS_FORMATS = ["messageCard", "adaptiveCard"] as const;

export const MsTeamsTriggerTemplate = z
  .strictObject({
    webhookUrl: SecretKeySelector.describe("Secret key holding the webhook URL (an incoming-webhook connector URL or a Workflows HTTP trigger URL); the URL is never logged."),
    format: z
      .enum(MS_TEAMS_FORMATS)
      .optional()
      .describe("messageCard (legacy connectors) or adaptiveCard (Workflows). Default: adaptiveCard for a Workflows URL, else messageCard."),
    title: z.string().optional().describe("Card title."),
    summary: z.string().optional().describe("Summary shown in notifications (MessageCard)."),
    text: z.string().optional().describe("Card text (Markdown)."),
    themeColor: z.string().optional().describe("MessageCard: hex colour of the card's edge (e.g. FF0000). Adaptive Card: the title's colour (Good, Warning, Attention…)."),
    facts: jsonString("[{name, value}, …]", "array").optional().describe("JSON array of {name, value} facts, as a string."),
    sections: jsonString("MessageCard sections", "array").optional().describe("JSON array of MessageCard sections, as a string (their facts also go into an Adaptive Card)."),
    potentialAction: jsonString("MessageCard actions", "array").optional().describe("JSON array of MessageCard actions (OpenUri becomes Action.OpenUrl on an Adaptive Card), as a string."),
    adaptiveCard: jsonString("an Adaptive Card", "object").optional().describe("A whole Adaptive Card as a JSON string: sent as it is (adaptiveCard format), instead of one built from the fields above."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this msTeams template (e.g. dest: text, dest: facts)."),
  })
  .describe("Posts a card to a Microsoft Teams channel through an incoming webhook or a Workflows (Power Automate) URL.");
export type MsTeamsTriggerTemplate = z.output<typeof MsTeamsTriggerTemplate>;
