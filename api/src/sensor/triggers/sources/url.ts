// Schema of `source.url` (Argo's URLArtifact): the object fetched with an HTTP GET at each firing.
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../../common/types.js";

export const UrlSource = z.preprocess(
  // Go's JSON decoding matches keys case-insensitively, so Argo's own example spells it verifycert; take that spelling too.
  (v) => {
    if (typeof v !== "object" || v === null || !("verifycert" in v) || "verifyCert" in v) return v;
    const { verifycert, ...rest } = v as Record<string, unknown>;
    return { ...rest, verifyCert: verifycert };
  },
  z
    .strictObject({
      path: HttpUrl.describe("The complete http:// or https:// URL."),
      verifyCert: z
        .boolean()
        .optional()
        .describe("Check the server's certificate (default: checked; Argo's default is not to). false turns the check off, and must be written."),
      caCertSecret: SecretKeySelector.optional().describe("Impulse: Secret key holding the CA certificate (PEM) that signs the server's certificate (default: the system CAs)."),
    })
    .superRefine((u, ctx) => {
      if (u.verifyCert === false && u.caCertSecret) ctx.addIssue({ code: "custom", path: ["caCertSecret"], message: "caCertSecret is unused when verifyCert is false" });
    })
    .describe("Reads the object from an HTTP(S) URL at each firing, under the egress policy."),
);
export type UrlSource = z.output<typeof UrlSource>;
