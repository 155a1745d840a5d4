// Schema of `template.pulsar`: one Pulsar message per firing, with Argo's fields (PulsarTrigger).
import { z } from "zod";
import { pulsarConnectionFields, pulsarTopic, refusePulsarUnsupported } from "../../common/pulsar.js";
import { TriggerParameter } from "../parameters.js";

export const PulsarTriggerTemplate = z
  .strictObject({
    ...pulsarConnectionFields,
    topic: pulsarTopic.describe("Topic to produce to (a short name is in public/default)."),
    payload: z.array(TriggerParameter).optional().describe("Builds the JSON message from event values (required by Argo; without it the message is {})."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this pulsar template (e.g. dest: topic)."),
  })
  .superRefine(refusePulsarUnsupported)
  .describe("Produces a message to an Apache Pulsar topic, confirmed by the broker.");
export type PulsarTriggerTemplate = z.output<typeof PulsarTriggerTemplate>;
