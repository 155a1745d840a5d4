// Schema of one `spec.github.<eventName>` entry, with Argo Events' (v1.9) field names.
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const GithubApp = z
  .strictObject({
    privateKey: SecretKeySelector.describe("PEM private key of the GitHub App."),
    appID: z.number().int().positive().describe("The App's id."),
    installationID: z.number().int().positive().describe("The App installation's id (its access token registers the hooks)."),
  })
  .describe("GitHub App credentials: a JWT signed with privateKey is exchanged for an installation token.");

export const OwnedRepositories = z
  .strictObject({
    owner: z.string().min(1).describe("User or organization owning the repositories."),
    names: z.array(z.string().min(1)).min(1).describe("Repository names."),
  })
  .describe("Repositories of one owner.");

export const GithubConfig = z
  .strictObject({
    id: z.number().int().optional().describe("Deprecated in Argo and unused; accepted for compatibility."),
    webhook: WebhookContext.describe("The endpoint GitHub delivers to; `url` is the externally reachable base URL used when registering the hook."),
    owner: z.string().optional().describe("Deprecated (Argo): with `repository`, one repository; use `repositories`."),
    repository: z.string().optional().describe("Deprecated (Argo): see `owner`."),
    events: z
      .array(z.string().min(1))
      .default([])
      .describe("GitHub event names to accept (X-GitHub-Event), or '*' for all; also the hook's events (required to register it). Empty: every event is accepted."),
    apiToken: SecretKeySelector.optional().describe("Personal access token that registers the hooks."),
    webhookSecret: SecretKeySelector.optional().describe("Secret of the hook: deliveries must carry a matching X-Hub-Signature-256."),
    insecure: z.boolean().optional().describe("Registered hook's insecure_ssl: GitHub does not verify this endpoint's TLS certificate."),
    active: z.boolean().optional().describe("Registered hook's active flag (Argo's default false creates an inactive hook)."),
    contentType: z.enum(["json", "form"]).optional().describe("Registered hook's content_type; both are accepted on delivery."),
    githubBaseURL: z.string().url().optional().describe("API base URL for GitHub Enterprise, e.g. https://ghe.example.com/api/v3/."),
    githubUploadURL: z.string().url().optional().describe("Upload URL for GitHub Enterprise, set with githubBaseURL (hooks do not use it)."),
    deleteHookOnFinish: z.boolean().optional().describe("Delete the registered hooks when the EventSource stops."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    repositories: z.array(OwnedRepositories).optional().describe("Repositories to register the hook on."),
    organizations: z.array(z.string().min(1)).optional().describe("Organizations to register an organization hook on."),
    githubApp: GithubApp.optional(),
    filter: EventSourceFilter.optional(),
  })
  .superRefine((g, ctx) => {
    if ((g.owner === undefined) !== (g.repository === undefined))
      ctx.addIssue({ code: "custom", path: [g.owner === undefined ? "owner" : "repository"], message: "owner and repository go together (or use repositories)" });
    if (g.apiToken && g.githubApp) ctx.addIssue({ code: "custom", path: ["githubApp"], message: "set apiToken or githubApp, not both" });
    // Argo's rules (pkg/eventsources/sources/github/validate.go), so a spec Argo refuses is refused here too.
    const repos = Boolean(g.repositories?.length || g.repository);
    if (!repos && !g.organizations?.length) ctx.addIssue({ code: "custom", path: ["repositories"], message: "either repositories or organizations is required" });
    if (repos && g.organizations?.length) ctx.addIssue({ code: "custom", path: ["organizations"], message: "only one of repositories and organizations is allowed (use two events)" });
    if ((g.apiToken || g.githubApp) && g.webhook.url && g.events.length === 0)
      ctx.addIssue({ code: "custom", path: ["events"], message: "events must be defined to register the GitHub hook" });
    if (Boolean(g.githubBaseURL) !== Boolean(g.githubUploadURL))
      ctx.addIssue({ code: "custom", path: [g.githubBaseURL ? "githubUploadURL" : "githubBaseURL"], message: "githubBaseURL and githubUploadURL go together (GitHub Enterprise)" });
  })
  .describe("GitHub webhook deliveries, verified by webhookSecret; with apiToken or githubApp and webhook.url, the hook is registered too.");

export type GithubConfig = z.output<typeof GithubConfig>;
