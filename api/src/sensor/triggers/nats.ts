// Schema of `template.nats`: publish one message per firing to a NATS subject, with Argo's fields (NATSTrigger).
import { z } from "zod";
import { TLSConfig } from "../../common/security.js";
import { SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

export const NatsTriggerAuth = z
  .strictObject({
    basic: z
      .strictObject({
        username: SecretKeySelector.describe("Secret key holding the user name."),
        password: SecretKeySelector.describe("Secret key holding the password."),
      })
      .optional()
      .describe("User and password."),
    token: SecretKeySelector.optional().describe("Secret key holding a token."),
    nkey: SecretKeySelector.optional().describe("Secret key holding an NKey seed (SU…)."),
    credential: SecretKeySelector.optional().describe("Secret key holding a .creds file (user JWT and NKey seed)."),
  })
  .refine((a) => [a.basic, a.token, a.nkey, a.credential].filter(Boolean).length <= 1, "set one of basic, token, nkey, credential")
  .describe("How to authenticate to the NATS server (one way).");

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
    auth: NatsTriggerAuth.optional(),
  })
  .describe("Publishes a message to a NATS subject.");
export type NatsTriggerTemplate = z.output<typeof NatsTriggerTemplate>;
