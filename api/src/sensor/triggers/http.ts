// Schema of `template.http`: an HTTP request per firing, with Argo's fields.
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

export const HTTP_TRIGGER_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export const HttpTriggerTemplate = z
  .strictObject({
    url: HttpUrl.describe("URL to call."),
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(HTTP_TRIGGER_METHODS))
      .optional()
      .describe("HTTP method (default POST)."),
    payload: z.array(TriggerParameter).optional().describe("Builds the JSON request body from event values."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this http template (e.g. dest: url)."),
    headers: z.record(z.string(), z.string()).optional().describe("Static request headers."),
    secureHeaders: z
      .array(
        z.strictObject({
          name: z.string().describe("Header name."),
          valueFrom: z
            .strictObject({
              secretKeyRef: SecretKeySelector.optional().describe("Secret key holding the value."),
              configMapKeyRef: SecretKeySelector.optional().describe("ConfigMap key holding the value."),
            })
            .describe("Where the value comes from."),
        }),
      )
      .optional()
      .describe("Headers whose values come from Secrets."),
    dynamicHeaders: z.array(TriggerParameter).optional().describe("Headers from event values (dest = header name)."),
    basicAuth: z
      .strictObject({
        username: SecretKeySelector.optional().describe("Secret key holding the user name."),
        password: SecretKeySelector.optional().describe("Secret key holding the password."),
      })
      .optional()
      .describe("HTTP basic authentication."),
    tls: z.record(z.string(), z.unknown()).optional().describe("TLS client settings (not yet supported)."),
    timeout: z.number().int().positive().optional().describe("Request timeout in seconds (default 60)."),
    host: z.string().optional().describe("Host header override."),
  })
  .describe("Calls an HTTP endpoint.");
export type HttpTriggerTemplate = z.output<typeof HttpTriggerTemplate>;
