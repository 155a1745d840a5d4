// `impulse gen-crds`: the committed CRDs and docs/crds.md are exactly what the schemas generate, and --check catches drift.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { renderCrdFiles } from "../../../cli/src/commands/gen-crds.js";
import { repoRoot, runCli } from "../../kit/cli.js";

describe("impulse gen-crds", () => {
  it("matches the committed manifests/crds/ and docs/crds.md (else: run `impulse gen-crds`)", () => {
    const drifted = [...renderCrdFiles()].filter(([path, text]) => {
      try {
        return readFileSync(join(repoRoot, path), "utf8") !== text;
      } catch {
        return true;
      }
    });
    assert.deepEqual(drifted.map(([p]) => p), [], "the schemas changed: run `impulse gen-crds` and commit the result");
  });

  it("--check exits 0 on fresh files and 1, naming the file, once one is edited; a run rewrites it", () => {
    const dir = mkdtempSync(join(tmpdir(), "impulse-gen-crds-"));
    const out = join(dir, "crds");
    const docs = join(dir, "crds.md");
    assert.equal(runCli(["gen-crds", "--out", out, "--docs", docs]).status, 0);
    assert.equal(runCli(["gen-crds", "--check", "--out", out, "--docs", docs]).status, 0);
    const sensor = join(out, "sensors.impulse.dev.yaml");
    writeFileSync(sensor, readFileSync(sensor, "utf8").replace("shortNames:", "shortNames: [x]\n    oldShortNames:"));
    cpSync(sensor, join(out, "widgets.impulse.dev.yaml"));
    const r = runCli(["gen-crds", "--check", "--out", out, "--docs", docs]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /sensors\.impulse\.dev\.yaml is out of date: run `impulse gen-crds`/);
    assert.match(r.stderr, /widgets\.impulse\.dev\.yaml is out of date/);
    assert.equal(runCli(["gen-crds", "--out", out, "--docs", docs]).status, 0);
    assert.equal(runCli(["gen-crds", "--check", "--out", out, "--docs", docs]).status, 0);
  });
});
