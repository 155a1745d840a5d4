// `spec.webhook.<name>.hmac`: an Impulse extension (Argo has none) verifying any sender's HMAC signature before the event is stored.
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";

export const HMAC_ALGORITHMS = ["sha1", "sha256", "sha512"] as const;

export const WebhookHmac = z
  .strictObject({
    secret: SecretKeySelector.describe("Shared secret the sender signs with."),
    header: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name")
      .default("X-Signature-256")
      .describe("Header carrying the signature (default X-Signature-256)."),
    algorithm: z.enum(HMAC_ALGORITHMS).default("sha256").describe("HMAC hash: sha1, sha256 (default) or sha512."),
    encoding: z.enum(["hex", "base64"]).default("hex").describe("How the signature is written: hex (default) or base64."),
    prefix: z.string().default("").describe("Text before the signature in the header, e.g. 'sha256=' (compared case-insensitively)."),
    timestampHeader: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name")
      .optional()
      .describe("Header with the send time in Unix seconds; a request outside toleranceSeconds is refused as stale."),
    toleranceSeconds: z.number().int().positive().default(300).describe("Allowed clock distance of timestampHeader (default 300)."),
    signedPayload: z
      .string()
      .refine((t) => t.includes("{body}"), "must contain {body}")
      .default("{body}")
      .describe("What is signed: a template of {body} (the raw body) and {timestamp} (the timestampHeader's value), e.g. 'v0:{timestamp}:{body}'; default '{body}'."),
  })
  .superRefine((h, ctx) => {
    if (h.signedPayload.includes("{timestamp}") && !h.timestampHeader)
      ctx.addIssue({ code: "custom", path: ["signedPayload"], message: "uses {timestamp}: set timestampHeader too" });
  })
  .describe("Refuse requests whose HMAC signature of the body does not match (401 when missing, 403 when wrong or stale), before anything is stored.");

export type WebhookHmac = z.output<typeof WebhookHmac>;
