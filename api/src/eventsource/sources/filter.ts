// `filter.expression` of an EventSource event (Argo's EventSourceFilter): checked for syntax when the spec is validated.
import { z } from "zod";
import { notBooleanMessage } from "../../expr/never-boolean.js";
import { parseExpression } from "../../expr/parser.js";
import { regexLiteralProblem } from "../../expr/regex-literals.js";

export const FilterExpression = z
  .string()
  .min(1)
  .superRefine((src, ctx) => {
    try {
      const tree = parseExpression(src, "expr");
      const why = regexLiteralProblem(tree);
      if (why) ctx.addIssue({ code: "custom", message: `has an invalid pattern ${why}` });
      const notBoolean = notBooleanMessage(tree);
      if (notBoolean) ctx.addIssue({ code: "custom", message: notBoolean });
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `is not a valid expression: ${(e as Error).message}` });
    }
  })
  .describe("Boolean expression over the event's data (e.g. body.id == 4 && body.name != 'Joe'); false drops the event.");

export const EventSourceFilter = z.strictObject({ expression: FilterExpression }).describe("Drops events before they are published.");
