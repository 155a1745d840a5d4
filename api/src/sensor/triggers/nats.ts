// Schema of `template.nats`: publish one message per firing to a NATS subject, with Argo's fields (NATSTrigger).
import { z } from "zod";
import { TLSConfig } from "../../common/security.js";
import { NATSAuth } from "../../eventsource/sources/nats.js";
import { TriggerParameter } from "../parameters.js";

export const NatsTriggerTemplate = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine(
        (u) => u.split(",").every((s) => /^((nats|tls):\/\/)?[^\s:/,]+(:\d{1,5})?$/.test(s.trim())),
        "must be nats://host:port (or tls://host:port, host:port), several separated by commas",
      )
      .describe("NATS server URL(s), comma separated."),
    subject: z.string().min(1).refine((s) => !/\s/.test(s) && !/[*>]/.test(s), "must be a subject without spaces or wildcards").describe("Subject to publish to."),
    payload: z.array(TriggerParameter).optional().describe("Builds the JSON message from event values (required by Argo; without it the message is {})."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this nats template (e.g. dest: subject)."),
    tls: TLSConfig.optional(),
    auth: NATSAuth.optional(),
  })
  .describe("Publishes a message to a NATS subject.");
export type NatsTriggerTemplate = z.output<typeof NatsTriggerTemplate>;
