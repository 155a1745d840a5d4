// Schema of `template.log`: writes each firing's events to the sensor's log.
import { z } from "zod";

export const LogTriggerTemplate = z
  .strictObject({
    intervalSeconds: z.number().int().min(0).optional().describe("Log at most once per interval (0 = every firing)."),
  })
  .describe("Logs the events that fired the trigger; the debugging trigger.");
export type LogTriggerTemplate = z.output<typeof LogTriggerTemplate>;
