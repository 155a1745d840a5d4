// Checks an email template after parameters and classifies SMTP failures (pure: no I/O).
import { createHash } from "node:crypto";
import { ErrorCodes, ImpulseError, type EmailTriggerTemplate } from "@impulse/api";

/** A plain address, or "Display Name <address>". Wider than Argo's check, which refuses long TLDs and plus signs. */
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;.]+$/;
const NAMED = /^[^<>]*<([^<>]+)>$/;

export function addressOf(entry: string): string | undefined {
  const e = entry.trim();
  const inner = NAMED.exec(e)?.[1]?.trim() ?? e;
  return ADDRESS.test(inner) ? inner : undefined;
}

export interface Outgoing {
  to: string[];
  from: string;
  subject: string;
  body: string;
}

/** What Argo checks before sending (to, subject and body non-empty) plus the sender and every address; a failure is not retryable. */
export function outgoing(t: EmailTriggerTemplate): Outgoing {
  const bad = (what: string) => new ImpulseError(ErrorCodes.ParameterFailed, `template.email.${what}`);
  const to = (t.to ?? []).map((a) => a.trim()).filter(Boolean);
  if (to.length === 0) throw bad("to is empty: no recipient");
  const invalid = to.filter((a) => !addressOf(a));
  if (invalid.length) throw bad(`to has invalid addresses: ${invalid.map((a) => JSON.stringify(a)).join(", ")}`);
  if (!t.from || !addressOf(t.from)) throw bad(`from ${t.from ? `${JSON.stringify(t.from)} is not an address` : "is empty"}`);
  if (!t.subject) throw bad("subject is empty");
  if (!t.body) throw bad("body is empty");
  return { to, from: t.from, subject: t.subject, body: t.body };
}

/**
 * A Message-ID stable for one firing and recipient: a retry or redelivery sends the same id, so mail systems and
 * readers can drop the second copy.
 */
export function messageId(idempotencyKey: string, to: string, from: string): string {
  const domain = addressOf(from)!.split("@")[1];
  return `<${idempotencyKey}.${createHash("sha256").update(addressOf(to)!.toLowerCase()).digest("hex").slice(0, 12)}@${domain}>`;
}

/** nodemailer's error shape: a code (EAUTH, ECONNECTION…) and the server's reply. */
export interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  response?: string;
  message: string;
}

/**
 * SMTP 4xx replies and connection problems may pass on another attempt; 5xx replies (bad credentials, unknown
 * recipient, policy) and addresses the client refuses will not.
 */
export function smtpRetryable(e: SmtpErrorLike): boolean {
  if (typeof e.responseCode === "number") return e.responseCode < 500;
  if (e.code === "EAUTH" || e.code === "EENVELOPE") return false;
  return true;
}

/** The error text: the server's reply when there is one (it never holds the password). */
export function smtpText(e: SmtpErrorLike): string {
  const reply = e.response?.trim();
  return reply && !e.message.includes(reply) ? `${e.message}: ${reply}` : e.message;
}
