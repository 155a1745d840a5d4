// toStructural: each zod construct becomes what the API server accepts, and every loss of typing is reported.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { structuralViolations } from "./check.js";
import { toStructural } from "./structural.js";

const field = (schema: z.ZodType) => {
  const r = toStructural(z.strictObject({ f: schema }));
  assert.deepEqual(structuralViolations(r.schema), []);
  return { schema: r.schema.properties!["f"]!, losses: r.losses };
};

describe("toStructural", () => {
  it("types scalars with their constraints, minus zod's safe-integer bounds, with positive() as an exclusive minimum", () => {
    assert.deepEqual(field(z.number().int().positive().describe("n")).schema, { description: "n", type: "integer", minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(field(z.string().min(2).max(5).regex(/^a+$/)).schema, { type: "string", pattern: "^a+$", minLength: 2, maxLength: 5 });
    assert.deepEqual(field(z.enum(["a", ""]).default("a")).schema, { type: "string", default: "a", enum: ["a", ""] });
    assert.deepEqual(field(z.boolean()).schema, { type: "boolean" });
  });

  it("turns a union of literals into an enum and integer-or-string into x-kubernetes-int-or-string", () => {
    assert.deepEqual(field(z.union([z.literal(0), z.literal(1)])).schema, { type: "integer", enum: [0, 1] });
    assert.deepEqual(field(z.union([z.literal("x"), z.literal("y")])).schema, { type: "string", enum: ["x", "y"] });
    assert.deepEqual(field(z.union([z.number().int(), z.string()]).describe("d")).schema, { description: "d", "x-kubernetes-int-or-string": true });
    const withPattern = field(z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]));
    assert.equal(withPattern.schema["x-kubernetes-int-or-string"], true);
    assert.deepEqual(withPattern.losses.map((l) => l.what), ["int-or-string"]);
  });

  it("describes the input side of transforms and pipes: what users write", () => {
    assert.deepEqual(field(z.string().transform((s) => s.toUpperCase()).pipe(z.enum(["GET", "POST"]))).schema, { type: "string" });
    assert.deepEqual(field(z.enum(["merge", "application/merge-patch+json"]).transform((s) => s.length)).schema, { type: "string", enum: ["merge", "application/merge-patch+json"] });
  });

  it("keeps a nullable type with nullable: true", () => {
    assert.deepEqual(field(z.string().nullable()).schema, { type: "string", nullable: true });
  });

  it("leaves open, and reports, what Kubernetes cannot type: number-or-string, z.unknown(), typed catch-alls", () => {
    const amount = field(z.union([z.number(), z.string()]));
    assert.deepEqual(amount.schema, { "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(amount.losses.map((l) => [l.path, l.what]), [[".f", "open"]]);
    assert.deepEqual(field(z.unknown()).schema, { "x-kubernetes-preserve-unknown-fields": true });
    const date = field(z.date());
    assert.deepEqual(date.schema, { "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(date.losses.map((l) => [l.path, l.what]), [[".f", "open"]]);
    const catchall = field(z.object({ a: z.string() }).catchall(z.number()));
    assert.deepEqual(catchall.schema, { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } }, required: ["a"] });
    assert.deepEqual(catchall.losses.map((l) => l.what), ["open"]);
  });

  it("maps records to additionalProperties, open records and loose objects to preserve-unknown-fields, and drops strictness", () => {
    assert.deepEqual(field(z.record(z.string(), z.string())).schema, { type: "object", additionalProperties: { type: "string" } });
    assert.deepEqual(field(z.record(z.string(), z.unknown())).schema, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(field(z.looseObject({ a: z.string().optional() })).schema, { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } });
    assert.deepEqual(field(z.strictObject({ a: z.string() })).schema, { type: "object", required: ["a"], properties: { a: { type: "string" } } });
    const keyed = field(z.record(z.string().regex(/^[a-z]+$/), z.string()));
    assert.deepEqual(keyed.losses.map((l) => l.what), ["propertyNames"]);
  });

  it("moves an element's description to an undescribed array, and drops one that only repeats the array's", () => {
    assert.deepEqual(field(z.array(z.string().describe("a name"))).schema, { description: "a name", type: "array", items: { type: "string" } });
    const item = z.strictObject({ a: z.string() }).describe("An item.");
    assert.equal(field(z.array(item).describe("An item.")).schema.items!.description, undefined);
    assert.equal(field(z.array(item).describe("Items.")).schema.items!.description, "An item.");
  });

  it("writes a recursive type out once and leaves the recursion open, with its description", () => {
    interface Node {
      name: string;
      next?: Node | undefined;
    }
    const Node: z.ZodType<Node> = z.strictObject({
      name: z.string(),
      get next() {
        return Node.optional().describe("The next node.");
      },
    });
    const r = toStructural(z.strictObject({ head: Node }));
    assert.deepEqual(structuralViolations(r.schema), []);
    const head = r.schema.properties!["head"]!;
    assert.deepEqual(head.properties!["name"], { type: "string" });
    assert.deepEqual(head.properties!["next"], { description: "The next node.", type: "object", "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(r.losses.map((l) => [l.path, l.what]), [[".head.next", "cycle"]]);
  });

  it("uses a date-time format instead of zod's ISO regular expression, and drops patterns Go's RE2 cannot compile", () => {
    assert.deepEqual(field(z.iso.datetime({ offset: true })).schema, { type: "string", format: "date-time" });
    const look = field(z.string().regex(/^(?!x)/));
    assert.equal(look.schema.pattern, undefined);
    assert.deepEqual(look.losses.map((l) => l.what), ["pattern"]);
  });
});

describe("structuralViolations", () => {
  it("names what the API server would refuse", () => {
    assert.deepEqual(
      structuralViolations({
        type: "object",
        properties: { a: {}, b: { type: "object", properties: { x: { type: "string" } }, additionalProperties: { type: "string" } }, c: { type: "string", default: 1 } },
        required: ["d"],
      }),
      [
        ": required d is not a property",
        ".a: no type (and neither preserve-unknown-fields nor int-or-string)",
        ".b: properties and additionalProperties together",
        ".c: default 1 is not a string",
      ],
    );
  });
});
