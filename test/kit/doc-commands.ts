// The shell commands a page shows in its ```bash blocks, one per line (comments and continuations joined), so a test
// can run what a newcomer would copy.
import { readFileSync } from "node:fs";

export function bashCommands(markdownFile: string): string[] {
  const text = readFileSync(markdownFile, "utf8");
  const out: string[] = [];
  for (const block of text.matchAll(/```(?:bash|sh|shell)\n([\s\S]*?)```/g)) {
    const joined = block[1]!.replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw.replace(/\s+#.*$/, "").trim();
      if (line && !line.startsWith("#")) out.push(line);
    }
  }
  return out;
}
