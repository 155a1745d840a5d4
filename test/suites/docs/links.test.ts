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
    // Inline code is not a link, even when it looks like one (regular expressions in docs/crds.md).
    const text = readFileSync(file, "utf8").replace(/`[^`\n]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/.test(link)) continue;
      if (!existsSync(resolve(dirname(file), link))) broken.push(`${file.slice(repoRoot.length + 1)} → ${link}`);
    }
  }
  assert.deepEqual(broken, []);
});
