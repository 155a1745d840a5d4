// TriggerParameter: where a value comes from in the events (src) and where it goes (dest), as in Argo.
import { z } from "zod";

export const ParameterSource = z
  .strictObject({
    dependencyName: z.string().min(1).describe("Dependency whose event supplies the value."),
    dataKey: z.string().optional().describe("gjson path into the event data."),
    dataTemplate: z.string().optional().describe("Go template over the event data (.Input)."),
    contextKey: z.string().optional().describe("gjson path into the event context (id, source, subject, type, time, ...)."),
    contextTemplate: z.string().optional().describe("Go template over the event context (.Input)."),
    value: z.string().optional().describe("Literal value, and the default when the keys resolve to nothing."),
    useRawData: z.boolean().optional().describe("Insert numbers, booleans, objects as JSON instead of strings."),
  })
  .describe("Where the parameter value comes from.");

export const TriggerParameter = z
  .strictObject({
    src: ParameterSource,
    dest: z.string().describe("sjson path the value is written to (e.g. body.name, or -1 to append to an array)."),
    operation: z.enum(["", "overwrite", "append", "prepend"]).optional().describe("How the value combines with what dest holds."),
  })
  .describe("A value taken from an event and written into the trigger or its payload.");

export type TriggerParameter = z.output<typeof TriggerParameter>;
export type ParameterSource = z.output<typeof ParameterSource>;
