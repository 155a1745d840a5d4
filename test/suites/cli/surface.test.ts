// The CLI's surface as a newcomer meets it: --version, paths as arguments in every command, an example in each --help,
// and the `impulse` executable npm links (cli/bin), which works before and after a build.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot, runCli } from "../../kit/cli.js";

const { version } = JSON.parse(readFileSync(join(repoRoot, "cli", "package.json"), "utf8")) as { version: string };

describe("impulse CLI surface", () => {
  it("prints its version with --version and -v", () => {
    for (const flag of ["--version", "-v"]) {
      const r = runCli([flag]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), version);
    }
  });

  it("shows an example in every command's --help", () => {
    const events = ["ls", "get", "tail", "send", "replay", "redrive"].map((c) => ["events", c]);
    for (const cmd of [["dev"], ["eventsource"], ["sensor"], ["sensor", "test"], ["lint"], ["controller"], ["gen-crds"], ...events]) {
      const r = runCli([...cmd, "--help"]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Examples:\n {2}\$ impulse /, `impulse ${cmd.join(" ")} --help has no example`);
    }
  });

  it("takes a spec path as an argument in eventsource and sensor, as with --file", () => {
    const es = join(repoRoot, "manifests/examples/quickstart/eventsource.yaml");
    // Without a bus the command stops after reading the spec: the message shows the path was taken.
    for (const args of [["eventsource", es], ["eventsource", "--file", es]]) {
      const r = runCli(args);
      assert.equal(r.status, 1);
      assert.match(r.stdout + r.stderr, /no event bus/, `impulse ${args.join(" ")}: ${r.stdout}${r.stderr}`);
    }
    const r = runCli(["sensor", join(repoRoot, "manifests/examples/quickstart/sensor.yaml")]);
    assert.match(r.stdout + r.stderr, /no event bus/);
  });

  it("asks for a path when dev gets none, and reports a missing one by name", () => {
    const none = runCli(["dev"]);
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /give at least one YAML file or directory/);
    const missing = runCli(["dev", "no/such/dir"]);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout + missing.stderr, /no\/such\/dir.*no such file or directory/);
  });

  it("runs through the linked executable (cli/bin/impulse.js), as npx impulse does", () => {
    const r = spawnSync(process.execPath, [join(repoRoot, "cli", "bin", "impulse.js"), "--version"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), version);
    const pkg = JSON.parse(readFileSync(join(repoRoot, "cli", "package.json"), "utf8")) as { bin: Record<string, string> };
    assert.equal(pkg.bin["impulse"], "./bin/impulse.js", "npm links bin entries only when the file exists at install time: it must be committed");
  });
});
