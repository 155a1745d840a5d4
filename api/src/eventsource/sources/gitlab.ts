// Schema of one `spec.gitlab.<eventName>` entry, with Argo Events' (v1.9) field names.
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

/**
 * GitLab hook event options as Argo names them (go-gitlab's field names), with the REST API's hook attribute and the
 * X-Gitlab-Event header of the deliveries they cause (docs.gitlab.com: webhook events).
 */
export const GITLAB_EVENTS = {
  PushEvents: ["push_events", "Push Hook"],
  TagPushEvents: ["tag_push_events", "Tag Push Hook"],
  IssuesEvents: ["issues_events", "Issue Hook"],
  ConfidentialIssuesEvents: ["confidential_issues_events", "Confidential Issue Hook"],
  MergeRequestsEvents: ["merge_requests_events", "Merge Request Hook"],
  NoteEvents: ["note_events", "Note Hook"],
  ConfidentialNoteEvents: ["confidential_note_events", "Confidential Note Hook"],
  JobEvents: ["job_events", "Job Hook"],
  PipelineEvents: ["pipeline_events", "Pipeline Hook"],
  WikiPageEvents: ["wiki_page_events", "Wiki Page Hook"],
  DeploymentEvents: ["deployment_events", "Deployment Hook"],
  ReleasesEvents: ["releases_events", "Release Hook"],
  EmojiEvents: ["emoji_events", "Emoji Hook"],
  FeatureFlagEvents: ["feature_flag_events", "Feature Flag Hook"],
  ResourceAccessTokenEvents: ["resource_access_token_events", "Resource Access Token Hook"],
  MemberEvents: ["member_events", "Member Hook"],
  SubGroupEvents: ["subgroup_events", "Subgroup Hook"],
  ProjectEvents: ["project_events", "Project Hook"],
} as const satisfies Record<string, readonly [string, string]>;

export type GitlabEventName = keyof typeof GITLAB_EVENTS;

export const GitlabConfig = z
  .strictObject({
    webhook: WebhookContext.describe("The endpoint GitLab delivers to; `url` is the externally reachable base URL used when registering the hook."),
    projectID: z.string().optional().describe("Deprecated (Argo): one project; use `projects`."),
    events: z
      .array(z.enum(Object.keys(GITLAB_EVENTS) as [GitlabEventName, ...GitlabEventName[]]))
      .min(1)
      .describe("GitLab hook events, e.g. PushEvents, TagPushEvents, MergeRequestsEvents; deliveries of other kinds are skipped."),
    accessToken: SecretKeySelector.optional().describe("Access token (api scope) that registers the hooks."),
    enableSSLVerification: z.boolean().optional().describe("Registered hook's enable_ssl_verification (Argo's default false)."),
    gitlabBaseURL: z.string().optional().describe("GitLab base URL, e.g. https://gitlab.example.com (default https://gitlab.com)."),
    deleteHookOnFinish: z.boolean().optional().describe("Delete the registered hooks when the EventSource stops."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    projects: z.array(z.string().min(1)).optional().describe("Project ids or paths (group/project) to register the hook on."),
    secretToken: SecretKeySelector.optional().describe("The hook's secret token: deliveries must carry it in X-Gitlab-Token."),
    filter: EventSourceFilter.optional(),
    groups: z.array(z.string().min(1)).optional().describe("Group ids or paths to register a group hook on (GitLab Premium)."),
  })
  .superRefine((g, ctx) => {
    if (g.gitlabBaseURL) {
      try {
        new URL(g.gitlabBaseURL);
      } catch {
        ctx.addIssue({ code: "custom", path: ["gitlabBaseURL"], message: "must be a URL such as https://gitlab.example.com" });
      }
    }
  })
  .describe("GitLab webhook deliveries, checked against secretToken; with accessToken and webhook.url, the project/group hooks are registered too.");

export type GitlabConfig = z.output<typeof GitlabConfig>;
