// Schema of one `spec.file.<eventName>` entry, with Argo Events' field names (FileEventSource, WatchPathConfig).
import { z } from "zod";
import { regexProblem } from "../../regex.js";
import { EventSourceFilter } from "./filter.js";

/** fsnotify's operations, as Argo names them; the event data carries them as its bitmask (CREATE 1 … CHMOD 16). */
export const FILE_OPS = ["CREATE", "WRITE", "REMOVE", "RENAME", "CHMOD"] as const;
export type FileOp = (typeof FILE_OPS)[number];

/** `path` of a watch: a name relative to the watched directory (file and hdfs sources). */
export const relativePath = (description: string) =>
  z
    .string()
    .optional()
    .refine((p) => !p?.startsWith("/"), "must be relative to directory")
    .describe(description);

/** `pathRegexp` of a watch: RE2, so a user's pattern runs in linear time (file and hdfs sources). */
export const pathRegexp = (description: string) =>
  z
    .string()
    .optional()
    .superRefine((p, ctx) => {
      const why = p ? regexProblem(p) : undefined;
      if (why) ctx.addIssue({ code: "custom", message: why });
    })
    .describe(description);

export const WatchPathConfig = z
  .strictObject({
    directory: z
      .string()
      .min(1)
      .refine((d) => d.startsWith("/"), "must be an absolute path")
      .describe("Directory to watch (not its subdirectories), as an absolute path."),
    path: relativePath("Name of the file to watch, relative to directory."),
    pathRegexp: pathRegexp("RE2 pattern (Go syntax, unanchored) matched against the name relative to directory."),
  })
  .refine((c) => !!c.path || !!c.pathRegexp, { message: "set path or pathRegexp", path: ["path"] })
  .refine((c) => !(c.path && c.pathRegexp), { message: "path and pathRegexp cannot be set together", path: ["pathRegexp"] })
  .describe("What to watch: files of one directory, by name or pattern.");

export const FileConfig = z
  .strictObject({
    eventType: z.enum(FILE_OPS).describe("Operation that makes an event: CREATE, WRITE, REMOVE, RENAME or CHMOD."),
    watchPathConfig: WatchPathConfig,
    polling: z.boolean().optional().describe("List the directory every second and compare instead of using inotify (for network file systems)."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .describe("Changes to files of a directory become events; changes made while the source was down are found by comparing with the last listing kept in the bus KV store.");

export type FileConfig = z.output<typeof FileConfig>;
