// Impulse's notification options on a trigger (named message templates, oncePer, subscriptions by annotation) and the
// shape of one named message template (a block per trigger kind), as notifications-engine has them.
import { z } from "zod";
import { parseGoDuration } from "../common/duration.js";

/** Longest oncePer window: the firing records' bucket keeps entries this long. */
export const ONCE_PER_MAX_MS = 90 * 24 * 3600_000;
export const ONCE_PER_DEFAULT_MS = 30 * 24 * 3600_000;

/** The ConfigMap (cluster) whose `template.<name>` keys are the message templates; mounted into every sensor pod. */
export const MESSAGE_TEMPLATES_CONFIGMAP = "impulse-notification-templates";
/** The ConfigMap key prefix of a template, as in notifications-engine's argocd-notifications-cm. */
export const TEMPLATE_KEY_PREFIX = "template.";

export const OncePerWindow = z
  .string()
  .refine((s) => {
    const ms = parseGoDuration(s);
    return ms !== undefined && ms > 0 && ms <= ONCE_PER_MAX_MS;
  }, `must be a positive Go duration of at most ${ONCE_PER_MAX_MS / 3600_000}h, e.g. 24h`)
  .describe("Impulse: how long a oncePer value is remembered (default 720h, at most 2160h).");

export const Subscriptions = z
  .strictObject({
    trigger: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a name usable in an annotation key")
      .optional()
      .describe("The <trigger> in notifications.argoproj.io/subscribe.<trigger>.<service> (default: this trigger's name)."),
    service: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be a name usable in an annotation key")
      .optional()
      .describe("The <service> in the annotation key (default: slack, email, teams for slack, email, msTeams triggers)."),
    dependency: z.string().min(1).optional().describe("Dependency whose event body carries the annotations (default: the first that fired)."),
  })
  .describe(
    "Impulse: recipients from the watched object's annotations notifications.argoproj.io/subscribe.<trigger>.<service>: <a;b> (body.metadata.annotations of a resource event); one message per recipient, none when the object has no such annotation.",
  );
export type Subscriptions = z.output<typeof Subscriptions>;

/** The trigger-level fields; spread into the Trigger schema. */
export const notificationFields = {
  messageTemplate: z
    .string()
    .min(1)
    .optional()
    .describe("Impulse: name of a message template (ConfigMap impulse-notification-templates, key template.<name>) that fills the message fields of this trigger's kind."),
  oncePer: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Impulse: Go template over the event (.Input is the data); the trigger fires once per distinct value (e.g. {{ .Input.body.status.observedGeneration }}), remembered durably for oncePerWindow. Empty result: deduplicated by event ids as usual.",
    ),
  oncePerWindow: OncePerWindow.optional(),
  subscriptions: Subscriptions.optional(),
};

const text = z.string();

/** One named message template: a default message and a block per trigger kind; every string is a Go template. */
export const MessageTemplate = z
  .strictObject({
    message: text.optional().describe("Default text: slack.message, email.body, msTeams.text when their block does not set them."),
    slack: z.strictObject({ message: text.optional(), attachments: text.optional(), blocks: text.optional() }).optional(),
    email: z.strictObject({ subject: text.optional(), body: text.optional() }).optional(),
    msTeams: z
      .strictObject({
        title: text.optional(),
        summary: text.optional(),
        text: text.optional(),
        themeColor: text.optional(),
        facts: text.optional(),
        sections: text.optional(),
        potentialAction: text.optional(),
      })
      .optional(),
    http: z.strictObject({ body: text.optional().describe("Request body; JSON text is sent as JSON.") }).optional(),
    kafka: z.strictObject({ body: text.optional().describe("Record value; JSON text is sent as JSON.") }).optional(),
  })
  .describe("A reusable message: Go templates (with sprig) over .Input (the event data), .Events, .Recipient.");
export type MessageTemplate = z.output<typeof MessageTemplate>;

/** Trigger kinds a message template can fill, and the kinds whose recipient a subscription sets. */
export const MESSAGE_KINDS = ["slack", "email", "msTeams", "http", "kafka"] as const;
/** Trigger kind → the default <service> of its annotation key (notifications-engine's service names). */
export const SUBSCRIPTION_SERVICES: Record<string, string> = { slack: "slack", email: "email", msTeams: "teams" };
