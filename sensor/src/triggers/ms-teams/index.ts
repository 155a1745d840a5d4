// The msTeams trigger: one card per firing to a Teams incoming webhook (MessageCard) or Workflows URL (Adaptive Card); the URL comes from a Secret.
import { ErrorCodes, ImpulseError, MsTeamsTriggerTemplate } from "@impulse/api";
import { defineTrigger } from "../define.js";
import { jsonPoster } from "../notify/post.js";
import { adaptiveCardMessage, isWorkflowsUrl, messageCard, readTeamsAnswer } from "./card.js";

export interface MsTeamsResult {
  format: "messageCard" | "adaptiveCard";
  status: number;
}

export const msTeams = defineTrigger({
  type: "msTeams",
  templateSchema: MsTeamsTriggerTemplate,
  hasPayload: false,
  create(ctx) {
    const poster = jsonPoster(ctx.egress, ctx.signal);
    return {
      async execute({ template: t, idempotencyKey, replay, logger }): Promise<MsTeamsResult> {
        const url = (await ctx.secrets(t.webhookUrl)).trim();
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new ImpulseError(ErrorCodes.ParameterFailed, `the Secret ${t.webhookUrl.name}/${t.webhookUrl.key} does not hold a URL`);
        }
        if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
          throw new ImpulseError(ErrorCodes.ParameterFailed, `the Secret ${t.webhookUrl.name}/${t.webhookUrl.key} does not hold an http(s) URL`);
        const format = t.format ?? (isWorkflowsUrl(url) ? "adaptiveCard" : "messageCard");
        const body = format === "adaptiveCard" ? adaptiveCardMessage(t) : messageCard(t);
        // The URL's path and query are the credential: only the host is named.
        const what = `Teams webhook at ${parsed.host}`;
        const r = await poster.post(url, body, { headers: { "idempotency-key": idempotencyKey, ...(replay ? { "impulse-replay": replay } : {}) }, what, logger });
        readTeamsAnswer(format, r.status, r.text, what);
        return { format, status: r.status };
      },
    };
  },
  applyPolicy() {},
  describe: (r) => `teams ${r.format} HTTP ${r.status}`,
});
