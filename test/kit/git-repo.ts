// Bare git repositories for the git-source suites: built with the git binary, with commits, branches and tags to select.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TestRepo {
  /** The directory holding the bare repositories (a server's project root). */
  root: string;
  /** Path of this bare repository under root, e.g. "workflows.git". */
  name: string;
  /** Commits files (path → text; null deletes; a "->target" value makes a symlink) to a branch; returns the commit id. */
  commit(branch: string, files: Record<string, string | null>, message?: string): string;
  tag(name: string, commit: string): void;
  remove(): void;
}

const git = (args: string[], cwd?: string) => execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } }).trim();

export function createRepo(name = "workflows.git", root = mkdtempSync(join(tmpdir(), "impulse-git-root-"))): TestRepo {
  const bare = join(root, name);
  git(["init", "--bare", "--quiet", "--initial-branch=main", bare]);
  // Lets a shallow fetch ask for a commit by id over protocol v0 too (v2 allows it anyway).
  git(["-C", bare, "config", "uploadpack.allowReachableSHA1InWant", "true"]);
  git(["-C", bare, "config", "http.receivepack", "false"]);
  const work = mkdtempSync(join(tmpdir(), "impulse-git-work-"));
  git(["init", "--quiet", "--initial-branch=main", work]);
  git(["-C", work, "remote", "add", "origin", bare]);
  return {
    root,
    name,
    commit(branch, files, message = "change") {
      const has = (() => {
        try {
          git(["-C", work, "rev-parse", "--verify", "--quiet", `refs/remotes/origin/${branch}`]);
          return true;
        } catch {
          return false;
        }
      })();
      try {
        git(["-C", work, "fetch", "--quiet", "origin"]);
      } catch {
        /* empty remote */
      }
      if (has || git(["-C", work, "ls-remote", "origin", `refs/heads/${branch}`])) git(["-C", work, "checkout", "--quiet", "-B", branch, `origin/${branch}`]);
      else git(["-C", work, "checkout", "--quiet", "--orphan", branch]);
      for (const [path, text] of Object.entries(files)) {
        const p = join(work, path);
        rmSync(p, { force: true });
        if (text === null) continue;
        mkdirSync(dirname(p), { recursive: true });
        if (text.startsWith("->")) symlinkSync(text.slice(2), p);
        else writeFileSync(p, text);
      }
      git(["-C", work, "add", "-A"]);
      git(["-C", work, "commit", "--quiet", "--allow-empty", "-m", message]);
      git(["-C", work, "push", "--quiet", "origin", `HEAD:refs/heads/${branch}`]);
      return git(["-C", work, "rev-parse", "HEAD"]);
    },
    tag(tagName, commit) {
      git(["-C", work, "tag", "-a", "-m", tagName, tagName, commit]);
      git(["-C", work, "push", "--quiet", "origin", `refs/tags/${tagName}`]);
    },
    remove() {
      rmSync(work, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
