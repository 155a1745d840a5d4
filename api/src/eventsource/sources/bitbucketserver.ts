// Schema of one `spec.bitbucketserver.<eventName>` entry, with Argo Events' (v1.9) field names.
import { z } from "zod";
import { durationToMs } from "../../common/duration.js";
import { TLSConfig } from "../../common/security.js";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const BitbucketServerRepository = z
  .strictObject({
    projectKey: z.string().min(1).describe("Key of the project."),
    repositorySlug: z.string().min(1).describe("Slug of the repository."),
  })
  .describe("A repository of a Bitbucket Server (Data Center) project.");

export const BitbucketServerConfig = z
  .strictObject({
    webhook: WebhookContext.describe("The endpoint Bitbucket Server delivers to; `url` is the externally reachable base URL used when registering the hook."),
    projectKey: z.string().optional().describe("Deprecated (Argo): with repositorySlug, one repository; use `repositories`."),
    repositorySlug: z.string().optional().describe("Deprecated (Argo): see projectKey."),
    projects: z.array(z.string().min(1)).optional().describe("Project keys: the hook is registered on every repository of each project."),
    repositories: z.array(BitbucketServerRepository).optional().describe("Repositories to register the hook on."),
    events: z.array(z.string().min(1)).default([]).describe("Event keys (X-Event-Key), e.g. repo:refs_changed, pr:opened; also the hook's events. Empty: every delivery is accepted."),
    skipBranchRefsChangedOnOpenPR: z
      .boolean()
      .optional()
      .describe("repo:refs_changed: drop a branch update whose new commit has an open pull request (asked through the REST API with accessToken); no change left, no event."),
    oneEventPerChange: z.boolean().optional().describe("repo:refs_changed: one event per change (the delivery with `changes` holding that one change) instead of one per delivery."),
    accessToken: SecretKeySelector.optional().describe("HTTP access token (repository admin) that registers the hooks."),
    webhookSecret: SecretKeySelector.optional().describe("The hook's secret: deliveries must carry X-Hub-Signature: sha256=<HMAC of the body>."),
    bitbucketserverBaseURL: z.string().url().describe("REST base URL, e.g. https://bitbucket.example.com/rest."),
    deleteHookOnFinish: z.boolean().optional().describe("Delete the registered hooks when the EventSource stops."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
    tls: TLSConfig.optional().describe("TLS of the REST calls: a CA for the server's certificate, a client certificate and key, insecureSkipVerify."),
    checkInterval: z
      .string()
      .optional()
      .refine((d) => d === undefined || d === "" || durationToMs(d) !== undefined, "must be a Go duration like 1m")
      .describe("How often the hooks are checked again (default 1m)."),
  })
  .superRefine((b, ctx) => {
    const registers = b.accessToken && b.webhook.url && (b.repositories?.length || b.projects?.length || b.projectKey);
    if (registers && b.events.length === 0) ctx.addIssue({ code: "custom", path: ["events"], message: "events must be defined to register the Bitbucket Server hook" });
    if (b.skipBranchRefsChangedOnOpenPR && !b.accessToken)
      ctx.addIssue({ code: "custom", path: ["accessToken"], message: "is required with skipBranchRefsChangedOnOpenPR: the open pull requests are asked through the REST API" });
  })
  .describe("Bitbucket Server (Data Center) deliveries, HMAC-verified with webhookSecret; with accessToken and webhook.url, the repository hooks are registered too.");

export type BitbucketServerConfig = z.output<typeof BitbucketServerConfig>;
