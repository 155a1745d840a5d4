import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { compileTemplate } from "./index.js";

// Vectors produced by Go's text/template with sprig v3 (TxtFuncMap) over the same data: see testdata/README.md.
const golden = JSON.parse(readFileSync(new URL("./testdata/golden.json", import.meta.url), "utf8")) as { tpl: string; data: unknown; out?: string; error?: string }[];

describe("templates match Go text/template + sprig", () => {
  for (const c of golden) {
    it(`${c.tpl} → ${c.error ? "error" : JSON.stringify(c.out)}`, () => {
      const run = () => compileTemplate(c.tpl)({ Input: c.data });
      if (c.error) assert.throws(run);
      else assert.equal(run(), c.out);
    });
  }

  it("never crashes or hangs on random templates (fuzz)", () => {
    const atoms = ["{{", "}}", ".Input", ".Input.a", "|", "upper", "default", '"x"', "1", "(", ")", "if", "else", "end", "range", "$x", ":=", "-", " ", "text", "eq", "len", "{{-", "-}}", "with"];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 3000; i++) {
      const src = Array.from({ length: 1 + rand(14) }, () => atoms[rand(atoms.length)]).join(" ");
      try {
        compileTemplate(src)({ Input: { a: "v", list: [1, 2] } });
      } catch (e) {
        assert.ok(e instanceof Error && /TemplateSyntaxError|TemplateExecError|Error/.test(e.constructor.name), String(e));
      }
    }
  });
});

it("renders the examples of docs/templates.md", () => {
  const data = { body: { ref: "refs/heads/main", repository: { name: "impulse" }, after: "0123456789abcdef" } };
  assert.equal(compileTemplate('{{ if eq .Input.body.ref "refs/heads/main" }}prod{{ else }}dev{{ end }}')({ Input: data }), "prod");
  assert.equal(compileTemplate('{{ .Input.body.repository.name | upper }}-{{ .Input.body.after | trunc 7 | default "none" }}')({ Input: data }), "IMPULSE-0123456");
});

it("refuses an unknown function when parsing, naming it and its likely spelling (as Go's parser does)", () => {
  assert.throws(() => compileTemplate("{{ .Input.body.id | uper }}"), /function "uper" not defined \(did you mean "upper"\?\)/);
  assert.throws(() => compileTemplate("{{ if frobnicate .Input }}x{{ end }}"), (e: Error) => e.name !== "TemplateExecError" && /function "frobnicate" not defined/.test(e.message));
});
