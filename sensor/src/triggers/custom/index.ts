// The custom trigger: a user's gRPC server does the work (Argo's protocol: FetchResource → Execute → ApplyPolicy per firing).
import { CustomTriggerTemplate, PolicyError } from "@impulse/api";
import { changedEndpointCheck } from "../../egress/endpoints.js";
import { defineTrigger } from "../define.js";
import { call, connections } from "./client.js";
import { payloadBytes, resourceWithParameters, specBytes } from "./resource.js";

export interface CustomResult {
  serverURL: string;
  /** Execute's response, as text (shown in logs and failures, cut short). */
  response: string;
  /** ApplyPolicy's verdict on that response. */
  success: boolean;
  message: string;
}

/** A gRPC target as a URL for the egress policy: `dns:///host:port` and `host:port` alike. */
const targetUrls = (target: string) => [`grpc://${target.replace(/^dns:\/\/[^/]*\//, "")}`];

export const custom = defineTrigger({
  type: "custom",
  templateSchema: CustomTriggerTemplate,
  hasPayload: true,
  // template.custom.parameters apply to the resource FetchResource returns, as in Argo; the outer parameters change the template.
  resourceParameters: true,
  create(ctx) {
    const connect = connections(ctx);
    const checkServer = ctx.template ? changedEndpointCheck(ctx.egress) : undefined;
    const configuredUrl = ctx.template?.custom?.serverURL;
    // The runner takes `payload` out of the template it passes on; whether the list exists is known from the spec.
    const hasPayloadList = ctx.template ? ctx.template.custom?.payload !== undefined : true;
    return {
      async execute({ template: t, payload, events, idempotencyKey, replay }, signal): Promise<CustomResult> {
        await checkServer?.(configuredUrl, t.serverURL, targetUrls);
        const conn = await connect(t);
        // The idempotency key travels as call metadata, so a server can drop the second run of a retried firing.
        const metadata = new conn.grpc.Metadata();
        metadata.set("idempotency-key", idempotencyKey);
        if (replay) metadata.set("impulse-replay", replay);
        const fetched = await call<{ resource: Buffer }, { resource: Buffer }>(conn, "FetchResource", { resource: specBytes(t.spec) }, metadata, signal);
        const resource = resourceWithParameters(Buffer.from(fetched.resource), t.parameters, events);
        const executed = await call<{ resource: Buffer; payload: Buffer }, { response: Buffer }>(
          conn, "Execute", { resource, payload: payloadBytes(hasPayloadList, payload) }, metadata, signal,
        );
        const response = Buffer.from(executed.response);
        const verdict = await call<{ request: Buffer }, { success: boolean; message: string }>(conn, "ApplyPolicy", { request: response }, metadata, signal);
        return { serverURL: t.serverURL, response: response.toString("utf8").slice(0, 1000), success: verdict.success, message: verdict.message };
      },
    };
  },
  // Argo only logs ApplyPolicy's verdict; here success: false fails the firing (retries, then the dlqTrigger), as a refused HTTP status does.
  applyPolicy(result) {
    if (!result.success) throw new PolicyError(`custom trigger server ${result.serverURL} refused the result (ApplyPolicy success: false)${result.message ? `: ${result.message}` : ""}; response: ${result.response.slice(0, 200)}`);
  },
  describe: (r) => `custom ${r.serverURL}${r.message ? `: ${r.message}` : ""}`,
});
