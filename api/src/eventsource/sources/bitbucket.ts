// Schema of one `spec.bitbucket.<eventName>` entry (Bitbucket Cloud), with Argo Events' (v1.9) field names.
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const BitbucketAuth = z
  .strictObject({
    basic: z
      .strictObject({ username: SecretKeySelector.describe("User name."), password: SecretKeySelector.describe("App password (or API token).") })
      .optional()
      .describe("Basic authentication."),
    oauthToken: SecretKeySelector.optional().describe("OAuth access token (sent as Bearer)."),
  })
  .refine((a) => Boolean(a.basic) !== Boolean(a.oauthToken), "set one of basic or oauthToken")
  .describe("How hooks are registered with the Bitbucket Cloud API.");

export const BitbucketRepository = z
  .strictObject({
    owner: z.string().min(1).describe("Workspace (owner) of the repository."),
    repositorySlug: z.string().min(1).describe("Slug of the repository."),
  })
  .describe("A Bitbucket Cloud repository.");

export const BitbucketConfig = z
  .strictObject({
    deleteHookOnFinish: z.boolean().optional().describe("Delete the registered hooks when the EventSource stops."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    webhook: WebhookContext.describe("The endpoint Bitbucket delivers to; `url` is the externally reachable base URL used when registering the hook."),
    auth: BitbucketAuth.optional(),
    events: z.array(z.string().min(1)).default([]).describe("Event keys (X-Event-Key), e.g. repo:push, pullrequest:created; also the hook's events. Empty: every delivery is accepted."),
    owner: z.string().optional().describe("Deprecated (Argo): with repositorySlug, one repository; use `repositories`."),
    projectKey: z.string().optional().describe("Deprecated and unused in Argo; accepted."),
    repositorySlug: z.string().optional().describe("Deprecated (Argo): see owner."),
    repositories: z.array(BitbucketRepository).optional().describe("Repositories to register the hook on."),
    filter: EventSourceFilter.optional(),
    webhookSecret: SecretKeySelector.optional().describe("Impulse extension: the hook's secret; deliveries must carry X-Hub-Signature: sha256=<HMAC of the body>."),
    bitbucketBaseURL: z.string().url().optional().describe("Impulse extension: API base URL (default https://api.bitbucket.org/2.0/), e.g. for a proxy."),
  })
  .superRefine((b, ctx) => {
    if (!b.repositories?.length && !(b.owner && b.repositorySlug)) ctx.addIssue({ code: "custom", path: ["repositories"], message: "at least one repository is required" });
    if (b.auth && b.webhook.url && b.events.length === 0) ctx.addIssue({ code: "custom", path: ["events"], message: "events must be defined to register the Bitbucket hooks" });
  })
  .describe("Bitbucket Cloud deliveries; with auth and webhook.url, the repository hooks are registered too.");

export type BitbucketConfig = z.output<typeof BitbucketConfig>;
