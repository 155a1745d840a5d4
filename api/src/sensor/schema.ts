// The Sensor resource: dependencies with filters, and triggers with parameters and delivery policies.
import { EgressPolicy } from "../common/egress.js";
import { z } from "zod";
import { Backoff, PodTemplate, resourceSchema } from "../common/types.js";
import { EventDependencyFilter, LogicalOperator } from "./filters.js";
import { TriggerParameter } from "./parameters.js";
import { TRIGGER_KINDS, triggerTemplateSchemas, type TriggerKind } from "./triggers/index.js";
import { K8sTriggerPolicy } from "./triggers/k8s.js";
import { notificationFields, type Subscriptions } from "./notification.js";

export const EventDependency = z
  .strictObject({
    name: z.string().min(1).describe("Name used in conditions and parameters."),
    eventSourceName: z.string().min(1).describe("Name of the EventSource (the event's source)."),
    eventName: z.string().min(1).describe("Name of the event inside the EventSource (the event's subject)."),
    filters: EventDependencyFilter.optional(),
    filtersLogicalOperator: LogicalOperator.optional().describe("How the filter kinds combine: and (default) or or."),
    transform: z
      .strictObject({
        jq: z.string().optional().describe("jq program; its first output (an object) replaces the event data."),
        script: z.string().optional().describe("Lua script over the global event; the table it returns replaces the event data."),
      })
      .optional()
      .describe("Rewrites the event before the filters run; triggers receive the rewritten event."),
  })
  .describe("An event the sensor waits for.");
export type EventDependency = z.output<typeof EventDependency>;

const kindFields = Object.fromEntries(TRIGGER_KINDS.map((k) => [k, triggerTemplateSchemas[k].optional()])) as {
  [K in TriggerKind]: z.ZodOptional<(typeof triggerTemplateSchemas)[K]>;
};

export const TriggerTemplate = z
  .strictObject({
    name: z.string().min(1).describe("Unique name of the trigger."),
    conditions: z.string().optional().describe("Boolean expression over dependency names (default: all of them)."),
    conditionsReset: z
      .array(
        z.strictObject({
          byTime: z
            .strictObject({
              cron: z.string().describe("5-field cron schedule, e.g. 59 23 * * *."),
              timezone: z.string().optional().describe("IANA time zone of the schedule (default UTC)."),
            })
            .optional()
            .describe("Reset on a schedule."),
        }),
      )
      .optional()
      .describe("When to forget the events saved for conditions that are not complete yet."),
    ...kindFields,
  })
  .superRefine((t, ctx) => {
    const set = TRIGGER_KINDS.filter((k) => t[k] !== undefined);
    if (set.length === 0) ctx.addIssue({ code: "custom", message: `needs one trigger kind: ${TRIGGER_KINDS.join(", ")}` });
    if (set.length > 1) ctx.addIssue({ code: "custom", message: `sets ${set.join(" and ")}; a template has exactly one trigger kind` });
  })
  .describe(`What to fire: a name, optional conditions, and exactly one trigger kind (${TRIGGER_KINDS.join(", ")}).`);
export type TriggerTemplate = z.output<typeof TriggerTemplate>;

export const StatusPolicy = z.strictObject({
  allow: z.array(z.number().int().min(100).max(599)).min(1).describe("HTTP statuses (or Lambda status codes) that count as success."),
});

export const TriggerPolicy = z
  .strictObject({
    status: StatusPolicy.optional().describe("Response statuses that count as success."),
    k8s: K8sTriggerPolicy.optional().describe("For k8s triggers: wait until the object carries these labels."),
  })
  .describe("When a firing counts as successful.");

export const RateLimit = z
  .strictObject({
    unit: z.enum(["Second", "Minute", "Hour"]).optional().describe("Time unit of the limit (default Second)."),
    requestsPerUnit: z.number().int().min(0).optional().describe("Firings allowed per unit."),
  })
  .describe("Most firings of this trigger per unit of time.");

export interface Trigger {
  template: TriggerTemplate;
  parameters?: TriggerParameter[] | undefined;
  policy?: z.output<typeof TriggerPolicy> | undefined;
  retryStrategy?: Backoff | undefined;
  rateLimit?: z.output<typeof RateLimit> | undefined;
  atLeastOnce?: boolean | undefined;
  dlqTrigger?: Trigger | undefined;
  concurrency?: number | undefined;
  orderingKey?: string | undefined;
  messageTemplate?: string | undefined;
  oncePer?: string | undefined;
  oncePerWindow?: string | undefined;
  subscriptions?: Subscriptions | undefined;
}

export const Trigger: z.ZodType<Trigger, unknown> = z
  .strictObject({
    template: TriggerTemplate,
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to the whole template."),
    policy: TriggerPolicy.optional(),
    retryStrategy: Backoff.optional().describe("Retries of a failed firing; applies whether or not atLeastOnce is set."),
    rateLimit: RateLimit.optional(),
    atLeastOnce: z.boolean().optional().describe("Ack only after success (Impulse default: true)."),
    concurrency: z.number().int().min(1).max(10_000).optional().describe("Impulse: firings of this trigger in progress at once (default: the runtime's --concurrency, 32)."),
    orderingKey: z.string().min(1).optional().describe("Impulse: path into the event data; events with the same value fire one after another, in stream order."),
    ...notificationFields,
    get dlqTrigger() {
      return Trigger.optional().describe(
        "Dead-letter trigger: fired with the same events when this trigger still fails after its retries. Same fields as spec.triggers[] (checked by Impulse, not by the API server: the type is recursive).",
      );
    },
  })
  .describe("What to do when the dependencies are satisfied.");

export const SensorSpec = z
  .strictObject({
    eventBusName: z.string().default("default").describe("EventBus to consume from."),
    replicas: z.number().int().min(0).optional().describe("Pods to run (default 1)."),
    revisionHistoryLimit: z.number().int().optional().describe("Old ReplicaSets of the Deployment to keep."),
    loggingFields: z.record(z.string(), z.string()).optional().describe("Extra fields added to every log line of the sensor."),
    errorOnFailedRound: z.boolean().optional().describe("Accepted for Argo compatibility (unused there too)."),
    template: PodTemplate.optional(),
    dependencies: z.array(EventDependency).min(1, "needs at least one dependency").describe("Events the sensor waits for."),
    triggers: z.array(Trigger).min(1, "needs at least one trigger").describe("What to do when the dependencies are satisfied."),
    egressPolicy: EgressPolicy.optional(),
  })
  .superRefine((spec, ctx) => {
    const deps = new Set<string>();
    spec.dependencies.forEach((d, i) => {
      if (deps.has(d.name)) ctx.addIssue({ code: "custom", path: ["dependencies", i, "name"], message: `duplicate dependency name "${d.name}"` });
      deps.add(d.name);
    });
    const names = new Set<string>();
    spec.triggers.forEach((t, i) => {
      if (names.has(t.template.name))
        ctx.addIssue({ code: "custom", path: ["triggers", i, "template", "name"], message: `duplicate trigger name "${t.template.name}"` });
      names.add(t.template.name);
    });
  });

export const Sensor = resourceSchema("Sensor", SensorSpec);

export type Sensor = z.output<typeof Sensor>;
export type SensorSpec = z.output<typeof SensorSpec>;
