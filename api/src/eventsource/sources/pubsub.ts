// Schema of one `spec.pubSub.<eventName>` entry, with Argo Events' field names (PubSubEventSource): a Google Cloud
// Pub/Sub subscription, created (with its topic) when missing, as Argo does.
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

const id = (what: string) => z.string().regex(/^[A-Za-z][-A-Za-z0-9._~%+]{2,254}$/, `must be a Pub/Sub ${what} (3-255 characters, starting with a letter)`);

export const PubSubConfig = z
  .strictObject({
    projectID: z
      .string()
      .min(1)
      .optional()
      .describe("Project of the subscription. Unset: the client's (from credentialSecret's project_id, or the environment's Google credentials)."),
    topicProjectID: z.string().min(1).optional().describe("Project of the topic, when it is not projectID's."),
    topic: id("topic id").optional().describe("Topic to subscribe to: the subscription (and the topic) are created when missing; an existing subscription must belong to it."),
    subscriptionID: id("subscription id")
      .optional()
      .describe("Subscription to pull from. Unset: <eventName>-<hash of the config>, created on the topic."),
    credentialSecret: SecretKeySelector.optional().describe("Secret key holding a service account's JSON key. Unset: the environment's Google credentials."),
    deleteSubscriptionOnFinish: z.boolean().optional().describe("Delete the subscription when the EventSource stops (messages published meanwhile are lost)."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; a message that is not JSON is poison (counted, acknowledged and skipped)."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.topicProjectID && !v.topic) ctx.addIssue({ code: "custom", path: ["topicProjectID"], message: "topicProjectID needs topic" });
    if (!v.topic && !v.subscriptionID) ctx.addIssue({ code: "custom", path: ["topic"], message: "set topic or subscriptionID" });
  })
  .describe("Messages of a Google Cloud Pub/Sub subscription become events; each is acknowledged only after the bus stored its event. At-least-once.");

export type PubSubConfig = z.output<typeof PubSubConfig>;
