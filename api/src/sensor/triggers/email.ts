// Schema of `template.email`: one SMTP message per recipient and firing, with Argo's fields (EmailTrigger) and a tls extension.
import { z } from "zod";
import { TLSConfig } from "../../common/security.js";
import { SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

export const EmailTriggerTemplate = z
  .strictObject({
    host: z
      .string()
      .min(1, "must name the SMTP server")
      .refine((h) => !/[\s/:]/.test(h) || /^\[[0-9a-fA-F:.]+\]$/.test(h), "must be a host name or address, without scheme or port")
      .describe("SMTP server host name or address."),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe("SMTP port: 465 is implicit TLS; any other port upgrades with STARTTLS when the server offers it (0 or unset: 587)."),
    username: z.string().optional().describe("User name for SMTP AUTH (with smtpPassword)."),
    smtpPassword: SecretKeySelector.optional().describe("Secret key holding the SMTP password; never logged."),
    to: z.array(z.string()).optional().describe("Recipients; each gets its own message, as in Argo. Required when sent."),
    from: z.string().optional().describe("Sender address (From and the SMTP envelope sender). Required when sent."),
    subject: z.string().optional().describe("Subject line. Required when sent."),
    body: z.string().optional().describe("Plain-text body. Required when sent."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this email template (e.g. dest: body, dest: to.-1)."),
    secure: z.boolean().optional().describe("Impulse: implicit TLS from the first byte, on any port (default: only on port 465)."),
    tls: TLSConfig.optional().describe(
      "Impulse: TLS settings: caCertSecret to trust a private CA, insecureSkipVerify, and enabled: true to refuse a server without STARTTLS.",
    ),
  })
  .describe("Sends an email through an SMTP server, one message per recipient.");
export type EmailTriggerTemplate = z.output<typeof EmailTriggerTemplate>;
