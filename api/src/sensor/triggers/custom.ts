// Schema of `template.custom`: a user's gRPC trigger server (Argo's CustomTrigger: FetchResource, Execute, ApplyPolicy).
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

export const CustomTriggerTemplate = z
  .strictObject({
    serverURL: z
      .string()
      .min(1, "must name the gRPC trigger server")
      .refine((u) => !/\s/.test(u) && !/^[a-z]+:\/\/(?!\/)/i.test(u), "must be a gRPC target: host:port (or dns:///host:port), without http:// or https://")
      .describe("gRPC target of the trigger server: host:port (or dns:///host:port)."),
    secure: z.boolean().optional().describe("Connect with TLS; certSecret is then required."),
    certSecret: SecretKeySelector.optional().describe("Secret key holding the PEM certificate (or CA) the server's certificate is verified against."),
    serverNameOverride: z.string().optional().describe("Host name expected in the server's certificate, when it differs from the serverURL's host."),
    spec: z.record(z.string(), z.string()).describe("String map sent (as YAML) to FetchResource; its meaning is up to the trigger server."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to the resource FetchResource returned (which must then be JSON)."),
    payload: z.array(TriggerParameter).optional().describe("Builds the JSON payload sent with Execute."),
  })
  .superRefine((t, ctx) => {
    if (t.secure && !t.certSecret) ctx.addIssue({ code: "custom", path: ["certSecret"], message: "is required when secure is true" });
  })
  .describe("Runs a trigger implemented by a user's gRPC server (Argo's custom trigger protocol).");
export type CustomTriggerTemplate = z.output<typeof CustomTriggerTemplate>;
