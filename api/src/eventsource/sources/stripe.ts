// Schema of one `spec.stripe.<eventName>` entry: Argo Events' StripeEventSource, plus the signing secret Argo lacks.
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const StripeConfig = z
  .strictObject({
    webhook: WebhookContext,
    createWebhook: z.boolean().optional().describe("Create (or adopt and update) the Stripe webhook endpoint for webhook.url + webhook.endpoint at start, with apiKey."),
    apiKey: SecretKeySelector.optional().describe("Stripe secret API key (sk_…), used only with createWebhook."),
    eventFilter: z.array(z.string().min(1)).optional().describe("Event types to accept (e.g. charge.succeeded); others are answered 200 and not stored. Also the endpoint's enabled_events with createWebhook."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    signingSecret: SecretKeySelector.optional().describe(
      "Impulse: the endpoint's signing secret (whsec_…): every delivery's Stripe-Signature is checked against it. Optional with createWebhook: the secret of the endpoint Impulse creates is kept in the EventSource's bus KV.",
    ),
    toleranceSeconds: z.number().int().positive().default(300).describe("Impulse: how far the Stripe-Signature timestamp may be from now (default 300, Stripe's)."),
    apiBaseURL: HttpUrl.optional().describe("Impulse: base URL of the Stripe API (default https://api.stripe.com), e.g. a proxy."),
    namespace: z.string().optional().describe("Accepted and ignored (it appears in Argo's example; it is not a StripeEventSource field)."),
    filter: EventSourceFilter.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.createWebhook && !c.apiKey) ctx.addIssue({ code: "custom", path: ["apiKey"], message: "is required with createWebhook" });
    if (c.createWebhook && !c.webhook.url) ctx.addIssue({ code: "custom", path: ["webhook", "url"], message: "is required with createWebhook: the endpoint Stripe delivers to" });
    if (!c.createWebhook && !c.signingSecret)
      ctx.addIssue({ code: "custom", path: ["signingSecret"], message: "is required (the endpoint's whsec_… secret): Impulse refuses unsigned Stripe deliveries; or set createWebhook with apiKey" });
  })
  .describe("Stripe webhook deliveries, verified with the endpoint's signing secret; optionally the endpoint is created through the Stripe API.");

export type StripeConfig = z.output<typeof StripeConfig>;
