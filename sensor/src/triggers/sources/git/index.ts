// source.git: one file of a git repository, read from a shallow bare clone kept per trigger and fetched again at each firing.
import { createHash } from "node:crypto";
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { COMMIT_ID, ErrorCodes, gitUrlParts, ImpulseError, redactUrl, type GitSource } from "@impulse/api";
import { egressGuard } from "../../../egress/guard.js";
import { compileEgress } from "../../../egress/policy.js";
import { defineSource } from "../define.js";
import { MAX_SOURCE_BYTES } from "../file.js";
import { gitAuth } from "./auth.js";
import { githubAppTokens } from "./github-app.js";
import { git, GitCommandError } from "./command.js";

/** The local ref the selected commit is fetched into (one bare repository serves one trigger's one selection). */
const PIN = "refs/impulse/selected";

/** Argo logs in as "git" when the URL names no user (go-git's default); ssh would otherwise use the pod's user name. */
export function withSshUser(url: string): string {
  if (url.includes("://")) {
    const u = new URL(url);
    if (!u.username) u.username = "git";
    return u.toString();
  }
  return /^[^@/]+@/.test(url) ? url : `git@${url}`;
}

/** What to fetch: a refspec source and a text for messages. Argo's precedence is ref, tag, branch; the schema allows one. */
export function selection(s: Pick<GitSource, "branch" | "tag" | "ref">): { src: string; text: string; commit?: string } {
  if (s.ref && COMMIT_ID.test(s.ref)) return { src: s.ref, text: `commit ${s.ref}`, commit: s.ref };
  if (s.ref) return { src: s.ref, text: `ref ${s.ref}` };
  if (s.tag) return { src: `refs/tags/${s.tag}`, text: `tag ${s.tag}` };
  if (s.branch) return { src: `refs/heads/${s.branch}`, text: `branch ${s.branch}` };
  return { src: "HEAD", text: "the default branch (HEAD)" };
}

/** Parses one `git ls-tree -z` entry: "<mode> <type> <oid>\t<path>". */
export function treeEntry(out: string): { mode: string; type: string; oid: string } | undefined {
  const m = /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(out);
  return m ? { mode: m[1]!, type: m[2]!, oid: m[3]! } : undefined;
}

/** Where one trigger's source lives and what it fetches; fixed for the trigger's life (parameters never change a source). */
interface Plan {
  at: string;
  urlField: string;
  parts: NonNullable<ReturnType<typeof gitUrlParts>>;
  raw: string;
  fetchUrl: string;
  sel: ReturnType<typeof selection>;
  base: string;
  dir: string;
}

export const gitSource = defineSource({
  kind: "git",
  create(ctx) {
    const guard = egressGuard(compileEgress(ctx.egress));
    const appToken = githubAppTokens(ctx.secrets, `${ctx.at}.git`);
    /** Serializes this trigger's git commands on its repository. */
    let queue: Promise<unknown> = Promise.resolve();
    let fetching: Promise<string> | undefined;
    let lastFile: { commit: string; path: string; text: string } | undefined;
    let prepared: string | undefined;
    let seen: string | undefined;
    const serial = <T>(f: () => Promise<T>): Promise<T> => {
      const run = queue.then(f, f);
      queue = run.catch(() => undefined);
      return run;
    };

    const plan = (s: GitSource): Plan => {
      const at = `${ctx.at}.git`;
      const raw = s.remote?.urls[0] ?? s.url;
      const parts = gitUrlParts(raw)!;
      const fetchUrl = parts.scheme === "ssh" ? withSshUser(raw) : raw;
      const sel = selection(s);
      const base = s.cloneDirectory ?? join(ctx.cacheDir, "git");
      // One directory per sensor, trigger, URL and selection: two triggers never race on one repository's lock files.
      const dir = join(base, createHash("sha256").update(`${ctx.sensorName}\n${ctx.triggerName}\n${fetchUrl}\n${sel.src}`).digest("hex").slice(0, 24));
      return { at, urlField: s.remote ? `${at}.remote.urls[0]` : `${at}.url`, parts, raw, fetchUrl, sel, base, dir };
    };

    const prepare = async (s: GitSource, p: Plan, signal: AbortSignal): Promise<void> => {
      if (prepared === p.dir) return;
      try {
        await mkdir(p.dir, { recursive: true });
        await access(join(p.dir, "HEAD")).catch(() => git(["init", "--bare", "--quiet", p.dir], { signal }));
      } catch (e) {
        throw new ImpulseError(ErrorCodes.TriggerFailed, `${s.cloneDirectory ? `${p.at}.cloneDirectory` : p.at}: cannot prepare the clone in ${p.dir}: ${(e as Error).message}`, { cause: e });
      }
      prepared = p.dir;
    };

    const fetchCommit = async (s: GitSource, signal: AbortSignal): Promise<string> => {
      const p = plan(s);
      await prepare(s, p, signal);
      const run = (args: string[], config: string[] = []) => git(["-C", p.dir, ...args], { signal, config });
      // A commit cannot change: once it is here, no fetch is needed again.
      if (p.sel.commit && (await run(["cat-file", "-e", `${p.sel.commit}^{commit}`]).then(() => true, () => false))) return p.sel.commit;
      const host = p.parts.host.includes(":") ? `[${p.parts.host}]` : p.parts.host;
      await guard(new URL(p.parts.scheme === "ssh" ? `ssh://${host}` : p.raw), true).catch((e: ImpulseError) => {
        throw new ImpulseError(e.code, `${p.urlField}: ${e.message}`, { retryable: e.retryable, cause: e });
      });
      // GitHub takes an installation token as the password of the user x-access-token.
      const basic = s.githubApp ? { username: "x-access-token", password: await appToken(s.githubApp, p.raw, signal) } : undefined;
      const auth = await gitAuth(s, p.fetchUrl, p.parts.scheme, ctx.secrets, p.base, basic);
      try {
        // Shallow: only the selected commit's objects travel; an unchanged branch costs one round trip of ref advertisement.
        await run(["fetch", "--quiet", "--depth=1", "--no-tags", "--no-write-fetch-head", "--force", "--", p.fetchUrl, `+${p.sel.src}:${PIN}`], auth.config);
      } catch (e) {
        const stderr = e instanceof GitCommandError ? e.stderr : "";
        const hostKey = /host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr);
        const hint =
          hostKey ? ` (the server's host key is not known: add it to ${p.at}.knownHostsSecret, or set insecureIgnoreHostKey)`
          : /couldn't find remote ref|not our ref|no such remote ref|unadvertised object/i.test(stderr) ? ` (${p.sel.text} does not exist there)`
          : "";
        const why = e instanceof GitCommandError ? `git fetch: ${e.message.replace(/^git \S+ failed[^:]*: /, "")}` : (e as Error).message;
        throw new ImpulseError(ErrorCodes.TriggerFailed, `${p.urlField}: cannot fetch ${p.sel.text} from ${redactUrl(p.fetchUrl)}: ${why}${hint}`, { retryable: !hostKey, cause: e });
      } finally {
        await auth.dispose();
      }
      return (await run(["rev-parse", "--verify", "--quiet", `${PIN}^{commit}`])).toString().trim();
    };

    const readFile = async (s: GitSource, commit: string, signal: AbortSignal): Promise<string> => {
      if (lastFile?.commit === commit && lastFile.path === s.filePath) return lastFile.text;
      const at = `${ctx.at}.git.filePath`;
      const run = (args: string[]) => git(["-C", plan(s).dir, ...args], { signal });
      const entry = treeEntry((await run(["ls-tree", "-z", commit, "--", s.filePath])).toString());
      if (!entry) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: ${s.filePath} is not in commit ${commit.slice(0, 12)} of ${redactUrl(s.remote?.urls[0] ?? s.url)}`);
      // A symlink could point anywhere (Argo refuses them too); a tree is a directory.
      if (entry.type !== "blob" || entry.mode === "120000")
        throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: ${s.filePath} is ${entry.mode === "120000" ? "a symbolic link, which is not followed" : `a ${entry.type}, not a file`}`);
      const size = Number((await run(["cat-file", "-s", entry.oid])).toString().trim());
      if (size > MAX_SOURCE_BYTES) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: ${s.filePath} is ${size} bytes, more than the ${MAX_SOURCE_BYTES} a source may have`);
      const text = (await run(["cat-file", "blob", entry.oid])).toString("utf8");
      lastFile = { commit, path: s.filePath, text };
      return text;
    };

    return {
      async read(s, _call, signal) {
        // Coalesced: a firing that arrives while a fetch runs takes that fetch's commit instead of queueing another.
        fetching ??= serial(() => fetchCommit(s, ctx.signal)).finally(() => (fetching = undefined));
        const commit = await fetching;
        // Says which version of the object the firings use from now on (once per new commit, not per firing).
        if (commit !== seen) ctx.logger.info({ commit, filePath: s.filePath, url: redactUrl(s.remote?.urls[0] ?? s.url) }, "git source: using a new commit");
        seen = commit;
        const text = await serial(() => readFile(s, commit, signal));
        return { text, where: `${ctx.at}.git.filePath ${s.filePath}@${commit.slice(0, 12)}` };
      },
    };
  },
});
