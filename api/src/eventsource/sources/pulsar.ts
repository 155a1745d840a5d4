// Schema of `spec.pulsar.<eventName>` entries, with Argo Events' field names (PulsarEventSource).
import { z } from "zod";
import { pulsarConnectionFields, pulsarTopic, refusePulsarUnsupported } from "../../common/pulsar.js";
import { EventSourceFilter } from "./filter.js";

export const PulsarConfig = z
  .strictObject({
    ...pulsarConnectionFields,
    topics: z.array(pulsarTopic).min(1).describe("Topics to read (short names are in public/default)."),
    type: z.enum(["exclusive", "shared"]).optional().describe("Subscription type (default exclusive). The subscription is named after the event."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; a message that is not JSON is poison (counted and skipped)."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .superRefine(refusePulsarUnsupported)
  .describe("Messages of Pulsar topics become events, acknowledged only after the bus stored them. At-least-once.");
export type PulsarConfig = z.output<typeof PulsarConfig>;
