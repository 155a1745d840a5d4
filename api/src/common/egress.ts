// Schema of an egress policy: which hosts and addresses a trigger may call when the URL can come from event data.
import { isIP } from "node:net";
import { z } from "zod";

const HOST_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i;

/** Why an entry is not a host name, `*.domain`, an IP address or a CIDR; undefined when it is one of them. */
export function egressEntryProblem(entry: string): string | undefined {
  const slash = entry.indexOf("/");
  if (slash >= 0) {
    const ip = entry.slice(0, slash);
    const bits = entry.slice(slash + 1);
    const v = isIP(ip);
    if (!v || !/^\d{1,3}$/.test(bits) || Number(bits) > (v === 4 ? 32 : 128)) return `"${entry}" is not a CIDR like 10.0.0.0/8 or fd00::/8`;
    return undefined;
  }
  if (isIP(entry) || isIP(entry.replace(/^\[(.*)\]$/, "$1"))) return undefined;
  return HOST_NAME.test(entry) ? undefined : `"${entry}" is not a host name, *.domain, IP address or CIDR`;
}

const Entry = z.string().superRefine((e, ctx) => {
  const why = egressEntryProblem(e);
  if (why) ctx.addIssue({ code: "custom", message: why });
});

export const EGRESS_SECURE_HEADERS = ["configuredHost", "allowedHosts"] as const;

export const EgressPolicy = z
  .strictObject({
    allow: z
      .array(Entry)
      .optional()
      .describe(
        "When set, the only targets: host names (api.example.com), wildcards (*.example.com), IP addresses or CIDRs (10.0.0.0/8). A match also lifts the built-in denials (loopback, private, link-local, metadata).",
      ),
    deny: z.array(Entry).optional().describe("Targets never called, whatever allow says: host names, wildcards, IP addresses or CIDRs."),
    secureHeaders: z
      .enum(EGRESS_SECURE_HEADERS)
      .optional()
      .describe("configuredHost (default): secureHeaders and basicAuth go only to the host of the template's own url; allowedHosts: to any host this policy allows."),
  })
  .describe("Impulse extension: which hosts an http trigger may call when parameters (e.g. dest: url) set the URL from event data.");
export type EgressPolicy = z.output<typeof EgressPolicy>;
