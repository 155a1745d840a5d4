// Copies an example manifest for a test, with replacements that must each match, so an example cannot drift from its test.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";

export function adaptExample(from: string, to: string, replacements: [string, string][]): void {
  let text = readFileSync(from, "utf8");
  for (const [a, b] of replacements) {
    assert.ok(text.includes(a), `${from} no longer contains ${JSON.stringify(a)}`);
    text = text.replace(a, b);
  }
  writeFileSync(to, text);
}
