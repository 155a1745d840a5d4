// Schema of one `spec.hdfs.<eventName>` entry, with Argo Events' field names (HDFSEventSource). Impulse reads HDFS
// through the NameNode's WebHDFS REST API, so `addresses` are NameNode HTTP addresses, not the RPC ones Argo dials.
import { z } from "zod";
import { durationToMs } from "../../common/duration.js";
import { FILE_OPS, pathRegexp, relativePath } from "./file.js";
import { EventSourceFilter } from "./filter.js";

/** Ports HDFS NameNodes serve RPC on by default (Hadoop 3 and 2, and a common HA choice): never WebHDFS. */
const RPC_PORTS = new Set(["8020", "9000", "8022"]);

/** Why a NameNode address cannot be used, or undefined: host:port, or an http(s):// URL for anything else. */
export function hdfsAddressProblem(address: string): string | undefined {
  if (/^https?:\/\//.test(address)) {
    try {
      new URL(address);
      return undefined;
    } catch {
      return "must be host:port or an http(s):// URL";
    }
  }
  const m = /^([^\s/:]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/.exec(address);
  if (!m) return "must be host:port (the NameNode's HTTP address) or an http(s):// URL";
  if (RPC_PORTS.has(m[2]!))
    return `port ${m[2]} is the NameNode's RPC port; Impulse reads HDFS over WebHDFS: give its HTTP address (dfs.namenode.http-address, 9870 by default), or write http://${address} if WebHDFS really listens there`;
  return undefined;
}

const kerberos = (field: string) =>
  z
    .unknown()
    .refine(() => false, `${field}: Kerberos is not supported yet; Impulse calls WebHDFS with simple authentication (hdfsUser)`)
    .optional()
    .describe(`${field} (Kerberos: not yet supported).`);

export const HdfsConfig = z
  .strictObject({
    directory: z
      .string()
      .min(1)
      .refine((d) => d.startsWith("/"), "must be an absolute HDFS path")
      .describe("HDFS directory to watch, with its subdirectories (as Argo walks the tree)."),
    path: relativePath("Path of the file or directory to watch, relative to directory."),
    pathRegexp: pathRegexp("RE2 pattern (Go syntax, unanchored) matched against the path relative to directory."),
    type: z.enum(FILE_OPS).describe("Operation that makes an event: CREATE, WRITE, REMOVE, RENAME or CHMOD."),
    checkInterval: z
      .string()
      .optional()
      .refine((d) => d === undefined || d === "" || (durationToMs(d) ?? 0) > 0, "must be a positive Go duration like 1m")
      .describe("How often the tree is listed and compared with the last listing (default 1m)."),
    addresses: z
      .array(
        z.string().superRefine((a, ctx) => {
          const why = hdfsAddressProblem(a);
          if (why) ctx.addIssue({ code: "custom", message: why });
        }),
      )
      .min(1)
      .describe("NameNode WebHDFS addresses (host:port of dfs.namenode.http-address, or an http(s):// URL); with HA, every NameNode: the active one answers."),
    hdfsUser: z.string().min(1).optional().describe("The user every WebHDFS request is made as (user.name); default: the NameNode's static user."),
    krbCCacheSecret: kerberos("krbCCacheSecret"),
    krbKeytabSecret: kerberos("krbKeytabSecret"),
    krbUsername: kerberos("krbUsername"),
    krbRealm: kerberos("krbRealm"),
    krbConfigConfigMap: kerberos("krbConfigConfigMap"),
    krbServicePrincipalName: kerberos("krbServicePrincipalName"),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .refine((c) => !!c.path || !!c.pathRegexp, { message: "set path or pathRegexp", path: ["path"] })
  .refine((c) => !(c.path && c.pathRegexp), { message: "path and pathRegexp cannot be set together", path: ["pathRegexp"] })
  .describe("Changes under an HDFS directory become events, found by listing the tree over WebHDFS every checkInterval; changes made while the source was down are found by comparing with the last listing, kept in the bus KV store.");

export type HdfsConfig = z.output<typeof HdfsConfig>;
