// Keeps the docs true: every relative link in README.md and docs/ points at a file that exists.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { it } from "node:test";
import { repoRoot } from "../../kit/cli.js";

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? markdownFiles(p) : f.endsWith(".md") ? [p] : [];
  });
}

it("has no broken relative links in README.md and docs/", () => {
  const broken: string[] = [];
  for (const file of [join(repoRoot, "README.md"), ...markdownFiles(join(repoRoot, "docs"))]) {
    for (const m of readFileSync(file, "utf8").matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/.test(link)) continue;
      if (!existsSync(resolve(dirname(file), link))) broken.push(`${file.slice(repoRoot.length + 1)} → ${link}`);
    }
  }
  assert.deepEqual(broken, []);
});
