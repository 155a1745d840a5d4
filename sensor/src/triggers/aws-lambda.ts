// The awsLambda trigger: one Invoke per firing; success is the Invoke status under policy.status.allow and no FunctionError.
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { AwsLambdaTriggerTemplate, PolicyError, awsClientCredentials, roleSessionName, traceHeaders, type AwsCredentials, type LambdaInvocationType, type TraceCarrier, type Trigger } from "@impulse/api";
import { awsTriggerError } from "./aws/errors.js";
import { changedEndpointCheck } from "../egress/endpoints.js";
import { defineTrigger, type TriggerContext } from "./define.js";

export interface LambdaResult {
  functionName: string;
  invocationType: LambdaInvocationType;
  /** Invoke's StatusCode: 200 RequestResponse, 202 Event, 204 DryRun. */
  status: number;
  /** "Unhandled" or "Handled" when the function itself failed (the call succeeded). */
  functionError?: string;
  /** The function's errorMessage (from its error payload), for logs and the failure text. */
  errorMessage?: string;
  /** The template's functionErrorIsSuccess, carried so the policy can decide. */
  functionErrorIsSuccess: boolean;
}

const MAX_ERROR_KEPT = 500;

/** The function's error text from its error payload ({errorMessage, errorType, trace}), or the payload itself. */
export function functionErrorMessage(payload: Uint8Array | undefined): string {
  if (!payload?.length) return "";
  const text = Buffer.from(payload).toString("utf8");
  let msg = text;
  try {
    const p = JSON.parse(text) as { errorMessage?: unknown; errorType?: unknown };
    if (typeof p.errorMessage === "string") msg = typeof p.errorType === "string" ? `${p.errorType}: ${p.errorMessage}` : p.errorMessage;
  } catch {
    /* not JSON: keep the text */
  }
  return msg.length > MAX_ERROR_KEPT ? msg.slice(0, MAX_ERROR_KEPT) + "…" : msg;
}

/**
 * Lambda hands ClientContext to the function as context.clientContext (synchronous invocations only, per AWS).
 * `custom.idempotencyKey` is the same on every retry and redelivery of a firing, like the http trigger's Idempotency-Key.
 */
export function clientContext(sensor: string, trigger: string, idempotencyKey: string, trace?: TraceCarrier): string {
  // traceparent/tracestate in custom: where a function (or its OpenTelemetry Lambda layer) reads a caller's context.
  return Buffer.from(JSON.stringify({ custom: { idempotencyKey, sensor, trigger, ...traceHeaders(trace) } })).toString("base64");
}

type Template = AwsLambdaTriggerTemplate;

/** What makes two templates need different clients (parameters may change region, endpoint or credentials per firing). */
function clientKey(t: Template): string {
  return JSON.stringify([t.region, t.endpoint, t.accessKey?.name, t.accessKey?.key, t.secretKey?.name, t.secretKey?.key, t.roleARN]);
}

/** Builds a Lambda client for a template: static keys from Secrets or the SDK default chain, then roleARN through STS. */
async function newClient(ctx: TriggerContext, t: Template, owned: { destroy(): void }[]): Promise<LambdaClient> {
  let base: AwsCredentials | undefined;
  if (t.accessKey && t.secretKey) {
    // Secrets arrive as every secret does (trailing line breaks dropped by the resolver, docs/security.md#secrets).
    base = { accessKeyId: await ctx.secrets(t.accessKey), secretAccessKey: await ctx.secrets(t.secretKey) };
  }
  // One attempt per SDK call: the trigger's retryStrategy decides retries, so attempts are counted and logged once.
  const common = { maxAttempts: 1, ...(t.region ? { region: t.region } : {}), ...(t.endpoint ? { endpoint: t.endpoint } : {}) };
  // The SDK is loaded by the first firing, not at start: commands that never invoke Lambda (lint, --help) stay fast.
  const { LambdaClient } = await import("@aws-sdk/client-lambda");
  const credentials = await awsClientCredentials({
    ...(base ? { base } : {}),
    ...(t.roleARN ? { roleArn: t.roleARN } : {}),
    sessionName: roleSessionName(ctx.sensorName, ctx.triggerName),
    clientConfig: common,
    own: (c) => owned.push(c),
  });
  const client = new LambdaClient({ ...common, ...(credentials ? { credentials } : {}) });
  owned.push(client);
  return client;
}

export const awsLambda = defineTrigger({
  type: "awsLambda",
  templateSchema: AwsLambdaTriggerTemplate,
  hasPayload: true,
  create(ctx) {
    // Clients are built on first use (credentials come from Secrets, which resolve asynchronously) and live as long
    // as the trigger: usually exactly one. Shutdown destroys them, failing in-flight calls so their events are redelivered.
    const clients = new Map<string, Promise<LambdaClient>>();
    const owned: { destroy(): void }[] = [];
    ctx.signal.addEventListener("abort", () => owned.forEach((c) => c.destroy()), { once: true });
    const clientFor = (t: Template): Promise<LambdaClient> => {
      const key = clientKey(t);
      let c = clients.get(key);
      if (!c) {
        c = newClient(ctx, t, owned);
        clients.set(key, c);
        c.catch(() => clients.delete(key)); // a Secret that appears later is picked up by the next attempt
      }
      return c;
    };
    // Without the spec's template (an executor used directly, not by a Sensor) there is no configured value to compare.
    const checkEndpoint = ctx.template ? changedEndpointCheck(ctx.egress) : undefined;
    const configuredEndpoint = ctx.template?.awsLambda?.endpoint;
    return {
      async execute({ template: t, payload, idempotencyKey, trace }, signal): Promise<LambdaResult> {
        await checkEndpoint?.(configuredEndpoint, t.endpoint, (e) => [e]);
        const invocationType = t.invocationType ?? "RequestResponse";
        const what = `Lambda ${t.functionName} (${invocationType})`;
        try {
          const client = await clientFor(t);
          const { InvokeCommand } = await import("@aws-sdk/client-lambda");
          const out = await client.send(
            new InvokeCommand({
              FunctionName: t.functionName,
              InvocationType: invocationType,
              Payload: Buffer.from(JSON.stringify(payload ?? {})),
              ClientContext: clientContext(ctx.sensorName, ctx.triggerName, idempotencyKey, trace),
            }),
            { abortSignal: signal },
          );
          return {
            functionName: t.functionName,
            invocationType,
            status: out.StatusCode ?? 0,
            ...(out.FunctionError ? { functionError: out.FunctionError, errorMessage: functionErrorMessage(out.Payload) } : {}),
            functionErrorIsSuccess: t.functionErrorIsSuccess ?? false,
          };
        } catch (e) {
          throw awsTriggerError(what, e);
        }
      },
    };
  },
  applyPolicy(r, policy: Trigger["policy"]) {
    const allow = policy?.status?.allow;
    const ok = allow ? allow.includes(r.status) : r.status >= 200 && r.status < 300;
    if (!ok) throw new PolicyError(`Lambda ${r.functionName} answered ${r.status}, not allowed by ${allow ? `policy.status.allow ${JSON.stringify(allow)}` : "the default policy (2xx)"}`);
    if (r.functionError && !r.functionErrorIsSuccess)
      throw new PolicyError(`Lambda ${r.functionName} failed (FunctionError ${r.functionError}): ${r.errorMessage || "no error message"}`);
  },
  span: (t) => ({
    name: `Lambda.Invoke ${t.functionName}`,
    kind: "client",
    attributes: { "rpc.system": "aws-api", "rpc.service": "Lambda", "rpc.method": "Invoke", "faas.invoked_name": t.functionName, "faas.invoked_provider": "aws", "faas.invoked_region": t.region },
  }),
  spanResult: (r) => ({ "http.response.status_code": r.status, ...(r.functionError ? { "error.type": r.functionError } : {}) }),
  describe: (r) =>
    `Lambda ${r.status}${r.invocationType === "RequestResponse" ? "" : ` (${r.invocationType})`}${r.functionError ? ` FunctionError ${r.functionError}` : ""}`,
});
