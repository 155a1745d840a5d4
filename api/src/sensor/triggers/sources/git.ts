// Schema of `source.git` (Argo's GitArtifact): one file of a git repository, fetched over https, http or ssh.
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../../common/types.js";
import { GithubApp } from "../../../eventsource/sources/github.js";

/** What Argo refuses in filePath and cloneDirectory: no climbing out of the repository, no home or Windows paths. */
const NOT_IN_PATH = ["..", "~", "\\"];

/** The host of an https://, http://, ssh:// or scp-like (user@host:path) git URL; undefined for anything else. */
export function gitUrlParts(url: string): { scheme: "https" | "http" | "ssh"; host: string; user?: string } | undefined {
  if (url.startsWith("-") || /\s/.test(url)) return undefined;
  if (!url.includes("://")) {
    // git's rule: no "://" and a ":" before the first "/" is the scp-like ssh form.
    const m = /^(?:([^@/]+)@)?([^:/[\]]+|\[[^\]]+\]):(.+)$/.exec(url);
    return m ? { scheme: "ssh", host: m[2]!.replace(/^\[|\]$/g, ""), ...(m[1] ? { user: m[1] } : {}) } : undefined;
  }
  try {
    const u = new URL(url);
    const scheme = u.protocol.slice(0, -1);
    if ((scheme !== "https" && scheme !== "http" && scheme !== "ssh") || !u.hostname) return undefined;
    return { scheme, host: u.hostname.replace(/^\[|\]$/g, ""), ...(u.username ? { user: decodeURIComponent(u.username) } : {}) };
  } catch {
    return undefined;
  }
}

/** A full commit id (SHA-1 or SHA-256): fetched once and never again, since it cannot change. */
export const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const RefName = z
  .string()
  .min(1)
  .refine((r) => !r.startsWith("-") && !/[\s~^:?*[\\]|\.\.|@\{/.test(r), "not a valid git ref name");

export const GitSource = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine((u) => gitUrlParts(u) !== undefined, "must be an https://, http://, ssh:// or user@host:path git URL")
      .describe("Repository URL: https://, http://, ssh://, or scp-like git@host:org/repo.git (ssh)."),
    cloneDirectory: z
      .string()
      .optional()
      .refine((d) => d === undefined || !NOT_IN_PATH.some((n) => d.includes(n)), `must not contain ${NOT_IN_PATH.join(", ")}`)
      .describe("Directory (a volume of the sensor pod) under which the repository is kept; default: a directory under the pod's /tmp. Several triggers may share one."),
    creds: z
      .strictObject({
        username: SecretKeySelector.optional().describe("Secret key holding the user name."),
        password: SecretKeySelector.optional().describe("Secret key holding the password or access token."),
      })
      .optional()
      .describe("HTTP basic auth for https:// URLs, from Secrets."),
    sshKeySecret: SecretKeySelector.optional().describe("Secret key holding the private SSH key (OpenSSH or PEM format, without passphrase) for ssh URLs."),
    filePath: z
      .string()
      .min(1)
      .refine((p) => !NOT_IN_PATH.some((n) => p.includes(n)) && !p.startsWith("/"), `must be a relative path in the repository, without ${NOT_IN_PATH.join(", ")}`)
      .describe("Path of the file holding the object, relative to the repository's root."),
    branch: RefName.optional().describe("Branch to read (default: the remote's default branch, its HEAD)."),
    tag: RefName.optional().describe("Tag to read."),
    ref: RefName.optional().describe("A full ref name (refs/pull/42/head) or, Impulse, a full commit id (fetched once: a commit cannot change)."),
    remote: z
      .strictObject({
        name: z.string().min(1).describe("Name of the remote."),
        urls: z.array(z.string().min(1)).min(1).describe("URLs of the remote; the first is fetched from."),
      })
      .optional()
      .describe("A remote to fetch from instead of url (Argo fetches the remote's refs over the clone of url)."),
    insecureIgnoreHostKey: z.boolean().optional().describe("Accept any SSH host key (default false: the host must be in knownHostsSecret or the pod's known_hosts files)."),
    knownHostsSecret: SecretKeySelector.optional().describe("Impulse: Secret key holding known_hosts lines for the SSH server (default: /etc/ssh/ssh_known_hosts and ~/.ssh/known_hosts of the pod)."),
    caCertSecret: SecretKeySelector.optional().describe("Impulse: Secret key holding the CA certificate (PEM) of an https server (default: the system CAs)."),
    githubApp: GithubApp.extend({
      baseURL: HttpUrl.optional().describe(
        "Impulse: the GitHub API's base URL (default: https://api.github.com/ for github.com, else https://<host>/api/v3/ of the repository's host, as GitHub Enterprise).",
      ),
    })
      .optional()
      .describe("GitHub App credentials: a JWT signed with privateKey is exchanged for an installation token, sent as the https password."),
  })
  .superRefine((g, ctx) => {
    const refs = (["branch", "tag", "ref"] as const).filter((k) => g[k] !== undefined);
    // Argo picks ref over tag over branch silently; naming the conflict is kinder than guessing.
    if (refs.length > 1) ctx.addIssue({ code: "custom", path: [refs[1]!], message: `sets ${refs.join(" and ")}; set one of branch, tag, ref` });
    for (const [i, u] of (g.remote?.urls ?? []).entries())
      if (!gitUrlParts(u)) ctx.addIssue({ code: "custom", path: ["remote", "urls", i], message: "must be an https://, http://, ssh:// or user@host:path git URL" });
    const from = g.remote?.urls[0] ?? g.url;
    const scheme = gitUrlParts(from)?.scheme;
    if (!scheme) return;
    const at = g.remote ? ["remote", "urls", 0] : ["url"];
    if (g.githubApp && g.creds) ctx.addIssue({ code: "custom", path: ["githubApp"], message: "set creds or githubApp, not both" });
    if (scheme === "ssh" && g.githubApp) ctx.addIssue({ code: "custom", path: ["githubApp"], message: "githubApp authenticates https URLs; an ssh URL uses sshKeySecret" });
    if (scheme === "http" && g.githubApp) ctx.addIssue({ code: "custom", path: at, message: "a GitHub App token would travel in clear over http://; use https://" });
    if (scheme === "ssh" && g.creds) ctx.addIssue({ code: "custom", path: ["creds"], message: "creds are for https URLs; an ssh URL uses sshKeySecret" });
    if (scheme !== "ssh" && g.sshKeySecret) ctx.addIssue({ code: "custom", path: ["sshKeySecret"], message: "sshKeySecret needs an ssh URL (ssh://host/repo or git@host:repo)" });
    if (scheme !== "ssh" && (g.insecureIgnoreHostKey || g.knownHostsSecret))
      ctx.addIssue({ code: "custom", path: [g.knownHostsSecret ? "knownHostsSecret" : "insecureIgnoreHostKey"], message: "host keys are checked for ssh URLs only" });
    if (scheme === "http" && g.creds) ctx.addIssue({ code: "custom", path: at, message: "creds would travel in clear over http://; use https://" });
    if (scheme === "ssh" && g.caCertSecret) ctx.addIssue({ code: "custom", path: ["caCertSecret"], message: "caCertSecret is for https URLs" });
    if (g.creds && (!g.creds.username || !g.creds.password)) ctx.addIssue({ code: "custom", path: ["creds"], message: "needs username and password" });
  })
  .describe("Reads the object from a file in a git repository (fetched with the git binary; shallow, cached per trigger).");
export type GitSource = z.output<typeof GitSource>;
