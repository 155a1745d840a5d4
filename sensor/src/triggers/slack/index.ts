// The slack trigger: one chat.postMessage per firing (Argo's SlackTrigger fields); threads by messageAggregationKey survive restarts.
import { ErrorCodes, ImpulseError, SlackTriggerTemplate } from "@impulse/api";
import { defineTrigger } from "../define.js";
import { jsonPoster } from "../notify/post.js";
import { channelOf, DEFAULT_SLACK_API, postMessageBody, readAnswer } from "./message.js";
import { SlackThreads, THREAD_TTL_MS } from "./threads.js";

export interface SlackResult {
  /** The channel ID Slack posted to. */
  channel: string;
  ts: string;
  /** Set when the message was a reply in an aggregation thread. */
  threadTs?: string | undefined;
}

export const slack = defineTrigger({
  type: "slack",
  templateSchema: SlackTriggerTemplate,
  hasPayload: false,
  create(ctx) {
    const poster = jsonPoster(ctx.egress, ctx.signal);
    const threads = new SlackThreads(ctx.kv ? () => ctx.kv!("slack-threads", { ttlMs: THREAD_TTL_MS }) : undefined, ctx.logger);
    const configuredApi = ctx.template?.slack?.apiUrl;
    return {
      async execute({ template: t, idempotencyKey, replay, logger }): Promise<SlackResult> {
        // The token goes wherever apiUrl points: an event must not choose that place.
        if (ctx.template && t.apiUrl !== configuredApi)
          throw new ImpulseError(ErrorCodes.ParameterFailed, "template.slack.apiUrl cannot be set by a parameter (the Slack token is sent there)");
        const channel = channelOf(t);
        const base = (t.apiUrl ?? DEFAULT_SLACK_API).replace(/\/?$/, "/");
        const what = `Slack chat.postMessage to ${channel}`;
        // Built before the token is read: a template that cannot be sent fails without touching the Secret.
        const body = (threadTs: string | undefined) =>
          postMessageBody(t, { channel, threadTs, idempotencyKey, replay, sensor: ctx.sensorName, trigger: ctx.triggerName });
        body(undefined);
        const token = await ctx.secrets(t.slackToken);
        const post = async (threadTs: string | undefined) => {
          const r = await poster.post(new URL("chat.postMessage", base).href, body(threadTs), { headers: { authorization: `Bearer ${token}` }, what, logger });
          const answer = readAnswer(r.status, r.text, what);
          if (answer.warning) logger.warn({ slackWarning: answer.warning }, `${what}: Slack warned: ${answer.warning}`);
          return answer;
        };
        const key = t.thread?.messageAggregationKey;
        if (!key) {
          const a = await post(undefined);
          return { channel: a.channel, ts: a.ts };
        }
        const a = await threads.within(channel, key, post);
        return { channel: a.channel, ts: a.ts, ...(a.threadTs ? { threadTs: a.threadTs } : {}) };
      },
    };
  },
  applyPolicy() {},
  describe: (r) => `slack ${r.channel} ts ${r.ts}${r.threadTs ? ` in thread ${r.threadTs}` : ""}`,
});
