// Schema of one `spec.gerrit.<eventName>` entry, with Argo Events' field names (GerritEventSource).
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const GerritConfig = z
  .strictObject({
    webhook: WebhookContext,
    hookName: z.string().min(1).describe("Name of the remote in the webhooks plugin (one per project)."),
    events: z.array(z.string().min(1)).describe("Gerrit event types to receive (e.g. patchset-created, ref-updated); empty: every event."),
    auth: z
      .strictObject({
        username: SecretKeySelector.describe("Gerrit user (an administrator of the projects' webhooks)."),
        password: SecretKeySelector.describe("The user's HTTP password."),
      })
      .describe("HTTP basic credentials for the Gerrit REST API."),
    gerritBaseURL: HttpUrl.describe("Base URL of the Gerrit server, e.g. https://gerrit.example.com/ (calls go to <base>/a/...)."),
    deleteHookOnFinish: z.boolean().optional().describe("Delete the remote from every project when the EventSource stops."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    projects: z.array(z.string().min(1)).min(1).describe('Projects to hook, e.g. "my/project".'),
    sslVerify: z.boolean().optional().describe("Ask Gerrit to verify the TLS certificate of webhook.url when it delivers."),
    maxTries: z.number().int().min(0).optional().describe("Attempts Gerrit makes per delivery (the plugin's default when unset)."),
    filter: EventSourceFilter.optional(),
  })
  .describe("Gerrit events delivered by the webhooks plugin; the remote is registered per project through its REST API.");

export type GerritConfig = z.output<typeof GerritConfig>;
