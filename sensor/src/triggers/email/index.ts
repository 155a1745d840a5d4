// The email trigger: one SMTP message per recipient (Argo's EmailTrigger), STARTTLS or implicit TLS, sent with nodemailer.
import { isIP } from "node:net";
import { EmailTriggerTemplate, ErrorCodes, ImpulseError, resolveSecurity } from "@impulse/api";
import { egressGuard } from "../../egress/guard.js";
import { compileEgress } from "../../egress/policy.js";
import { defineTrigger } from "../define.js";
import { messageId, outgoing, smtpRetryable, smtpText, type SmtpErrorLike } from "./message.js";

export interface EmailResult {
  /** Recipients the server accepted in this firing (on a retry, also those an earlier attempt reached). */
  sent: string[];
  host: string;
}

const DEFAULT_PORT = 587;
const TIMEOUT_MS = 30_000;
/** Firings whose delivered recipients are remembered, so a retry sends only to the others. */
const REMEMBERED_FIRINGS = 1_000;

export const email = defineTrigger({
  type: "email",
  templateSchema: EmailTriggerTemplate,
  hasPayload: false,
  supportsTls: true,
  create(ctx) {
    const guard = egressGuard(compileEgress(ctx.egress ?? []));
    const configuredHost = ctx.template?.email?.host;
    const delivered = new Map<string, Set<string>>();
    const deliveredTo = (key: string) => {
      let set = delivered.get(key);
      if (!set) {
        delivered.set(key, (set = new Set()));
        if (delivered.size > REMEMBERED_FIRINGS) delivered.delete(delivered.keys().next().value!);
      }
      return set;
    };
    return {
      async execute({ template: t, idempotencyKey, replay, logger }): Promise<EmailResult> {
        const mail = outgoing(t);
        const port = t.port || DEFAULT_PORT;
        const configured = !ctx.template || t.host === configuredHost;
        const host = t.host.replace(/^\[(.*)\]$/, "$1");
        // The connection goes to the address the egress policy approved (nodemailer would resolve the name again).
        const checked = await guard(new URL(`smtp://${isIP(host) === 6 ? `[${host}]` : host}:${port}`), configured);
        const withPassword = checked.secretsAllowed || !t.smtpPassword;
        if (!withPassword) logger.warn({ host }, "smtpPassword is not sent: the host is not the template's configured host (egressPolicy.secureHeaders: allowedHosts permits allowed hosts)");
        const password = withPassword && t.smtpPassword ? await ctx.secrets(t.smtpPassword) : undefined;
        const security = await resolveSecurity(t.tls, undefined, ctx.secrets);
        const ssl = typeof security.ssl === "object" ? security.ssl : {};
        // nodemailer is loaded by the first firing: commands without an email trigger never pay for it.
        const { default: nodemailer } = await import("nodemailer");
        const transport = nodemailer.createTransport({
          host: checked.address,
          port,
          secure: t.secure ?? port === 465,
          requireTLS: t.tls?.enabled === true,
          tls: { ...ssl, ...(isIP(host) ? {} : { servername: host }) },
          ...(t.username || password ? { auth: { user: t.username ?? "", pass: password ?? "" } } : {}),
          connectionTimeout: TIMEOUT_MS,
          greetingTimeout: TIMEOUT_MS,
          socketTimeout: TIMEOUT_MS,
          logger: false,
          debug: false,
        });
        const done = deliveredTo(idempotencyKey);
        try {
          for (const to of mail.to) {
            if (done.has(to)) continue;
            try {
              await transport.sendMail({
                from: mail.from,
                to,
                subject: mail.subject,
                text: mail.body,
                messageId: messageId(idempotencyKey, to, mail.from),
                headers: { "X-Impulse-Idempotency-Key": idempotencyKey, ...(replay ? { "X-Impulse-Replay": replay } : {}) },
              });
            } catch (e) {
              const err = e as SmtpErrorLike;
              const sentBefore = done.size ? ` (already sent to ${[...done].join(", ")})` : "";
              throw new ImpulseError(ErrorCodes.TriggerFailed, `email to ${to} via ${host}:${port}: ${smtpText(err)}${sentBefore}`, {
                retryable: smtpRetryable(err),
                cause: e,
              });
            }
            done.add(to);
          }
        } finally {
          transport.close();
        }
        delivered.delete(idempotencyKey);
        return { sent: mail.to, host: `${host}:${port}` };
      },
    };
  },
  applyPolicy() {},
  describe: (r) => `email to ${r.sent.length} recipient${r.sent.length === 1 ? "" : "s"} via ${r.host}`,
});
