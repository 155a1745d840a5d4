// The Dockerfile's invariants, checked by reading it (no Docker engine on these machines): base image, non-root numeric USER, no `latest`, an entrypoint that is the CLI's build output.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../../kit/cli.js";

interface Instruction {
  op: string;
  args: string;
}

/** Instructions in order: comments dropped, backslash continuations joined. Enough Dockerfile syntax for this file. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) continue;
    if (pending && line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    const m = /^(\w+)\s+([\s\S]*)$/.exec(full);
    assert.ok(m, `cannot parse Dockerfile line: ${full}`);
    out.push({ op: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
const all = parseDockerfile(dockerfile);
const froms = all.map((ins, i) => ({ ins, i })).filter(({ ins }) => ins.op === "FROM");
const final = all.slice(froms.at(-1)!.i);
const cliPackage = JSON.parse(readFileSync(join(repoRoot, "cli", "package.json"), "utf8")) as { name: string; bin: Record<string, string> };

describe("Dockerfile", () => {
  it("builds every stage from node:24-slim, by tag, never latest", () => {
    const arg = all.find((ins) => ins.op === "ARG" && ins.args.startsWith("NODE_IMAGE="));
    assert.equal(arg?.args, "NODE_IMAGE=node:24-slim");
    assert.ok(all.indexOf(arg!) < froms[0]!.i, "ARG NODE_IMAGE comes before the first FROM");
    assert.ok(froms.length >= 2, "multi-stage");
    const stages = new Set<string>();
    for (const { ins } of froms) {
      const [image, as, name] = ins.args.split(/\s+/);
      assert.ok(image === "${NODE_IMAGE}" || stages.has(image!), `FROM ${ins.args}: the node:24-slim base or an earlier stage`);
      if (as?.toUpperCase() === "AS" && name) stages.add(name);
    }
    assert.doesNotMatch(dockerfile, /:latest\b/);
  });

  it("runs as a numeric non-root user", () => {
    const users = final.filter((ins) => ins.op === "USER");
    assert.equal(users.length, 1, "one USER in the final stage");
    const m = /^(\d+)(?::(\d+))?$/.exec(users[0]!.args);
    assert.ok(m, `USER ${users[0]!.args} is numeric (the kubelet can only verify runAsNonRoot for a uid)`);
    assert.notEqual(Number(m[1]), 0);
    assert.notEqual(Number(m[2] ?? 1), 0);
    // Nothing after USER may need root.
    const after = final.slice(final.indexOf(users[0]!) + 1).map((ins) => ins.op);
    assert.deepEqual(after.filter((op) => op === "RUN" || op === "COPY" || op === "ADD"), []);
  });

  it("writes only under /tmp (HOME and TMPDIR), so a read-only root filesystem works", () => {
    const env = final.filter((ins) => ins.op === "ENV").map((ins) => ins.args).join(" ");
    assert.match(env, /\bHOME=\/tmp\b/);
    assert.match(env, /\bTMPDIR=\/tmp\b/);
    assert.match(env, /\bNODE_ENV=production\b/);
  });

  it("enters the impulse CLI's build output, which the build stage prunes for", () => {
    const entry = final.find((ins) => ins.op === "ENTRYPOINT");
    assert.ok(entry);
    const argv = JSON.parse(entry.args) as string[];
    assert.equal(argv[0], "node", "exec form, node as PID 1 (the CLI handles SIGTERM)");
    const script = argv.find((a) => a.endsWith(".js")) ?? "";
    assert.ok(script.startsWith("/app/"), `${script} lies in /app`);
    const inRepo = script.slice("/app/".length);
    // What `impulse` runs: the bin shim npm links (committed, so it exists before a build) imports this compiled main;
    // the image enters it directly, one import fewer.
    const shim = join("cli", cliPackage.bin["impulse"]!);
    const target = /new URL\("([^"]+)", import\.meta\.url\)/.exec(readFileSync(join(repoRoot, shim), "utf8"))?.[1];
    assert.ok(target, `${shim} names the compiled CLI it runs`);
    assert.equal(inRepo, normalize(join(dirname(shim), target)));
    assert.ok(existsSync(join(repoRoot, "cli", "src", "main.ts")), "its source");
    assert.ok(existsSync(join(repoRoot, inRepo)), `${inRepo} exists after \`npm run build\` (npm test builds first)`);
    assert.ok(all.some((ins) => ins.op === "RUN" && ins.args.includes(`turbo prune ${cliPackage.name} `)), "turbo prune keeps the CLI's workspaces");
    assert.ok(all.some((ins) => ins.op === "RUN" && ins.args.includes(`--filter=${cliPackage.name}...`)), "turbo builds the CLI and its dependencies");
    assert.ok(all.some((ins) => ins.op === "RUN" && /npm prune --omit=dev/.test(ins.args)), "dev dependencies are pruned");
    assert.ok(final.some((ins) => ins.op === "WORKDIR" && ins.args === "/app"));
    assert.ok(final.some((ins) => ins.op === "COPY" && /^--from=build \/src\/? \/app\/?$/.test(ins.args)), "the runtime copies the pruned build into /app");
  });

  it("copies only files that exist, and pins turbo to the lock file's version", () => {
    for (const ins of all.filter((i) => i.op === "COPY" && !i.args.startsWith("--from="))) {
      const sources = ins.args.split(/\s+/).slice(0, -1);
      for (const s of sources) assert.ok(existsSync(join(repoRoot, s)), `COPY ${s}`);
    }
    const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    assert.match(lock.packages["node_modules/turbo"]?.version ?? "", /^\d+\.\d+\.\d+$/);
    assert.match(dockerfile, /packages\['node_modules\/turbo'\]\.version/);
  });

  it("keeps dependencies, build output and the git directory out of the build context", () => {
    const ignored = readFileSync(join(repoRoot, ".dockerignore"), "utf8").split("\n").map((l) => l.trim());
    for (const p of ["**/node_modules", "**/dist", ".git"]) assert.ok(ignored.includes(p), `.dockerignore lists ${p}`);
    // The build needs these: ignoring them would break it.
    for (const p of ["package.json", "package-lock.json", "tsconfig.base.json", "turbo.json", "cli", "api"]) assert.ok(!ignored.includes(p), `${p} stays in the context`);
  });
});
