// A newcomer's first hour, from a fresh clone: the commands README.md and docs/getting-started.md show, run as written
// (npm start, the curl it prints, npx impulse …), and the clone stays clean (no rewritten lock file, no stray files).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "@impulse/bus";
import { request } from "undici";
import { repoRoot } from "../../kit/cli.js";
import { bashCommands } from "../../kit/doc-commands.js";
import { waitFor } from "../../kit/wait.js";

const readme = bashCommands(join(repoRoot, "README.md"));
const gettingStarted = bashCommands(join(repoRoot, "docs", "getting-started.md"));
const shown = (cmds: string[], prefix: string) => cmds.filter((c) => c.startsWith(prefix));

describe("a fresh clone, following README.md and docs/getting-started.md", { timeout: 600_000 }, () => {
  let clone = "";
  before(() => {
    clone = join(mkdtempSync(join(tmpdir(), "impulse-newcomer-")), "impulse");
    // What is committed, as a newcomer gets it (uncommitted work in this tree is not part of the clone).
    const r = spawnSync("git", ["clone", "--quiet", repoRoot, clone], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(join(clone, ".."), { recursive: true, force: true }));

  const sh = (cmd: string, timeout = 300_000) => spawnSync("bash", ["-c", cmd], { cwd: clone, encoding: "utf8", timeout, env: { ...process.env, CI: "" } });

  it("shows npm start, npm test and the curl it prints", () => {
    assert.ok(shown(readme, "npm start").length && shown(readme, "npm test").length, "README's quickstart shows npm start and npm test");
    assert.ok(shown(readme, "curl ").length, "README shows the curl to send");
    assert.ok(shown(gettingStarted, "npm start").length && shown(gettingStarted, "curl ").length);
  });

  it("npm start installs, builds and runs the quickstart; the README's curl reaches the log trigger; Ctrl-C stops it", async () => {
    const port = await freePort();
    // The example's port 12000 may be taken on a shared machine: npm start's documented override.
    const npmStart = spawn("npm", ["start", "--", "--webhook-port", String(port)], { cwd: clone, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "" } });
    let out = "";
    npmStart.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    npmStart.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    try {
      await waitFor("npm start's banner", () => out.includes("Press Ctrl-C to stop"), 400_000);
      // Each step of the first run says what it does (no minute of silence).
      assert.match(out, /installing npm dependencies \(about/);
      assert.match(out, /building the TypeScript workspaces \(/);
      for (const doc of [readme, gettingStarted]) {
        for (const curl of shown(doc, "curl ")) {
          const url = curl.match(/(http:\/\/localhost:)12000(\/\S+)/);
          assert.ok(url, `a curl to the quickstart webhook: ${curl}`);
          const body = curl.match(/-d '([^']*)'/)![1]!;
          const marker = `newcomer-${Math.random().toString(36).slice(2)}`;
          const sent = JSON.stringify({ ...(JSON.parse(body) as object), message: marker });
          const res = await request(`http://127.0.0.1:${port}${url[2]}`, { method: "POST", headers: { "content-type": "application/json" }, body: sent });
          assert.equal(res.statusCode, 200, await res.body.text());
          await waitFor(`log trigger line for ${marker}`, () => out.split("\n").some((l) => l.includes("log trigger fired") && l.includes(marker)), 30_000);
        }
      }
    } finally {
      // Ctrl-C in a terminal signals the whole process group.
      try {
        process.kill(-npmStart.pid!, "SIGINT");
      } catch {
        /* already gone */
      }
      const exited = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        npmStart.exitCode !== null || npmStart.signalCode !== null ? r({ code: npmStart.exitCode, signal: npmStart.signalCode }) : npmStart.once("exit", (code, signal) => r({ code, signal })),
      );
      // npm itself ends by the signal, as in a terminal; what it ran must stop cleanly, leaving nothing behind.
      assert.ok(exited.code === 0 || exited.signal === "SIGINT", `npm start ended with ${JSON.stringify(exited)}`);
      const groupGone = () => {
        try {
          process.kill(-npmStart.pid!, 0);
          return false;
        } catch {
          return true;
        }
      };
      await waitFor("every process npm start started to exit", groupGone, 30_000).catch(() => {
        process.kill(-npmStart.pid!, "SIGKILL");
        assert.fail(`processes of npm start were still running 30 s after Ctrl-C:\n${out.slice(-3000)}`);
      });
    }
  });

  it("npx impulse works after npm start, as docs/cli.md and getting-started show", () => {
    for (const cmd of ["npx impulse --version", "npx impulse --help", "npx impulse lint manifests/examples/quickstart/"]) {
      const r = sh(cmd, 120_000);
      assert.equal(r.status, 0, `${cmd}: ${r.stdout}${r.stderr}`);
    }
    for (const cmd of shown(gettingStarted, "npx impulse lint")) {
      const r = sh(cmd.replace("my-resources/", "manifests/examples/"), 120_000);
      assert.equal(r.status, 0, `${cmd}: ${r.stdout}${r.stderr}`);
    }
  });

  it("leaves the clone clean: the lock file is complete (npm ci accepts it) and nothing tracked changed", () => {
    const status = sh("git status --porcelain");
    assert.equal(status.stdout, "", "git status after npm start and npx impulse");
    const ci = sh("npm ci --no-audit --no-fund --dry-run", 120_000);
    assert.equal(ci.status, 0, ci.stderr);
    writeFileSync(join(clone, ".impulse", "probe"), "");
    assert.equal(sh("git status --porcelain").stdout, "", ".impulse/ (the local JetStream data) is ignored");
    assert.ok(readFileSync(join(clone, "package-lock.json"), "utf8").includes('"node_modules/@turbo/darwin-64"'), "the lock file keeps other platforms' turbo binaries");
  });
});
