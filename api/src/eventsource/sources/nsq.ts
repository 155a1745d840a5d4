// Schema of one `spec.nsq.<eventName>` entry, with Argo Events' field names (NSQEventSource): a channel of an NSQ topic,
// found through nsqlookupd.
import { z } from "zod";
import { TLSConfig } from "../../common/security.js";
import { Backoff } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

// nsqd's own rule for topic and channel names (1-64 of . a-z A-Z 0-9 _ -, optionally ending in #ephemeral).
const NSQ_NAME = /^[.a-zA-Z0-9_-]{1,64}(#ephemeral)?$/;
const nsqName = (what: string) =>
  z
    .string()
    .refine((n) => NSQ_NAME.test(n) && n.length <= 64, `must be an NSQ ${what} name: 1 to 64 of . a-z A-Z 0-9 _ - (optionally ending in #ephemeral)`);

export const NSQConfig = z
  .strictObject({
    hostAddress: z
      .string()
      .regex(/^(https?:\/\/)?[^\s/:]+:\d{1,5}(\/\S*)?$/, "must be nsqlookupd's HTTP address, host:port (e.g. nsqlookupd.argo-events.svc:4161)")
      .describe("nsqlookupd's HTTP address (host:port): the source asks it which nsqd nodes hold the topic and reads from each."),
    topic: nsqName("topic").describe("Topic to read."),
    channel: nsqName("channel").describe("Channel of the topic: each channel gets every message once; consumers of one channel share them."),
    connectionBackoff: Backoff.optional().describe("Backoff between attempts to reach nsqlookupd and nsqd while they are unreachable (default 1s, doubling, up to 30s)."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; a message that is not JSON is poison (counted, FINished and skipped)."),
    tls: TLSConfig.optional(),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .describe("Messages of an NSQ topic's channel become events; each is FINished only after the bus stored its event (REQueued when the source stops first). At-least-once.");

export type NSQConfig = z.output<typeof NSQConfig>;
