import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { loadTemplates, requireTemplates } from "./templates.js";

const manifest = (templates: Record<string, string>, name = "impulse-notification-templates") =>
  ["apiVersion: v1", "kind: ConfigMap", "metadata:", `  name: ${name}`, "data:", ...Object.entries(templates).flatMap(([k, v]) => [`  template.${k}: |`, ...v.split("\n").map((l) => `    ${l}`)])].join("\n");

it("reads the ConfigMap among manifests, ignores other ConfigMaps, and a mounted directory's template.<name> files win a clash", () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-templates-"));
  writeFileSync(join(dir, "templates.yaml"), manifest({ a: "message: from the manifest", b: "message: b" }) + "\n---\n" + manifest({ c: "message: other" }, "something-else"));
  writeFileSync(join(dir, "sensor.yaml"), "apiVersion: argoproj.io/v1alpha1\nkind: Sensor\nmetadata: {name: s}\n");
  const mounted = join(dir, "mounted");
  mkdirSync(mounted);
  writeFileSync(join(mounted, "template.a"), "message: from the mount");
  mkdirSync(join(mounted, "..data"));
  const r = loadTemplates([join(dir, "templates.yaml"), mounted]);
  assert.deepEqual(r.errors, []);
  assert.deepEqual([...r.catalog!.templates.keys()].sort(), ["a", "b"]);
  assert.equal(r.catalog!.templates.get("a")!.message!.message({}), "from the mount");
  assert.equal(loadTemplates([join(dir, "sensor.yaml")]).catalog, undefined, "no templates: no catalog");
  assert.deepEqual([...loadTemplates([dir]).catalog!.templates.keys()].sort(), ["a", "b"], "a directory is searched, mounted files included");
});

it("reports each bad template with its file and key; the runtimes refuse to start with them", () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-templates-"));
  const file = join(dir, "templates.yaml");
  writeFileSync(file, manifest({ bad: "slack:\n  blocks: '{{ toJsn .Input }}'" }));
  const r = loadTemplates([file]);
  assert.deepEqual(r.errors.map((e) => [e.file, e.path]), [[file, 'data["template.bad"].slack.blocks']]);
  assert.throws(() => requireTemplates([file]), /invalid message templates:\n.*function "toJsn" not defined/);
});
