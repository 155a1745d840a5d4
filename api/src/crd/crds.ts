// The EventBus, EventSource and Sensor CustomResourceDefinitions, built from the same zod schemas that validate at runtime.
import type { z } from "zod";
import { EventBusSpec } from "../eventbus.js";
import { EventSourceSpec } from "../eventsource/schema.js";
import { sourceConfigSchemas } from "../eventsource/sources/index.js";
import { SensorSpec } from "../sensor/schema.js";
import { TRIGGER_KINDS } from "../sensor/triggers/index.js";
import { eventBusStatus, eventSourceStatus, READY_CONDITION, sensorStatus } from "./status.js";
import { ordered, toStructural, type Loss } from "./structural.js";
import type { CustomResourceDefinition, JSONSchemaProps, PrinterColumn } from "./types.js";

export const CRD_GROUP = "impulse.dev";
export const CRD_VERSION = "v1alpha1";
/**
 * `kubectl get impulse` lists all three. Not in `all`: `kubectl delete all --all` would then take the EventBus (and with
 * it every flow in the namespace) along with the workloads.
 */
export const CRD_CATEGORIES = ["impulse"];

export interface KindDefinition {
  kind: "EventBus" | "EventSource" | "Sensor";
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: z.ZodType;
  status: JSONSchemaProps;
  /** Printed between NAME and READY. */
  columns: PrinterColumn[];
  /**
   * Additions at paths of the spec schema (`spec.triggers[].template`): CEL rules mirroring the zod refinements that a schema
   * cannot express, and list semantics. Only cheap rules: the API server refuses a CRD whose rules could cost too much.
   */
  extras?: { path: string; add: JSONSchemaProps }[];
}

/**
 * "Exactly one of these optional keys is set", as a sum of ternaries: the API server's estimated cost stays small as
 * keys are added (a list of has() with exists_one went over the CEL cost budget at 9 trigger kinds).
 */
const exactlyOne = (keys: readonly string[]) => `${keys.map((k) => `(has(self.${k}) ? 1 : 0)`).join(" + ")} == 1`;
const SOURCE_TYPES = Object.keys(sourceConfigSchemas);

export const KINDS: KindDefinition[] = [
  {
    kind: "EventBus",
    plural: "eventbuses",
    singular: "eventbus",
    shortNames: ["eb"],
    description:
      "EventBus is the NATS JetStream that carries events from EventSources to Sensors: one the controller runs (spec.jetstream) or an existing one (spec.jetstreamExotic).",
    spec: EventBusSpec,
    status: eventBusStatus,
    extras: [
      {
        path: "spec",
        add: { "x-kubernetes-validations": [{ rule: exactlyOne(["jetstream", "jetstreamExotic"]), message: "set exactly one of jetstream or jetstreamExotic" }] },
      },
    ],
    columns: [
      { name: "Version", type: "string", jsonPath: ".spec.jetstream.version", description: "NATS version of a managed JetStream.", priority: 1 },
      { name: "URL", type: "string", jsonPath: ".spec.jetstreamExotic.url", description: "URL of an existing NATS (jetstreamExotic).", priority: 1 },
    ],
  },
  {
    kind: "EventSource",
    plural: "eventsources",
    singular: "eventsource",
    shortNames: ["es"],
    description:
      "EventSource turns external happenings (webhooks, Kubernetes resource changes, Kafka records, ...) into CloudEvents on the EventBus. Each key under spec such as webhook maps event names to one source's settings.",
    spec: EventSourceSpec,
    status: eventSourceStatus,
    extras: [
      {
        path: "spec",
        add: {
          "x-kubernetes-validations": [
            {
              rule: `[${SOURCE_TYPES.map((t) => `has(self.${t}) && size(self.${t}) > 0`).join(", ")}].exists(x, x)`,
              message: `defines no events: add a source such as spec.webhook.<eventName> (types: ${SOURCE_TYPES.join(", ")})`,
            },
          ],
        },
      },
    ],
    columns: [
      { name: "Types", type: "string", jsonPath: ".status.sourceTypes", description: "Source types this EventSource runs." },
      { name: "EventBus", type: "string", jsonPath: ".spec.eventBusName", description: "EventBus it publishes to.", priority: 1 },
    ],
  },
  {
    kind: "Sensor",
    plural: "sensors",
    singular: "sensor",
    shortNames: ["sn"],
    description:
      "Sensor waits for events (spec.dependencies), filters them and, when its conditions hold, fires triggers (spec.triggers) such as an HTTP call, a Kubernetes object or a Lambda invocation.",
    spec: SensorSpec,
    status: sensorStatus,
    extras: [
      // Dependency names are keys (conditions and parameters refer to them): a duplicate is refused, server-side apply merges by name.
      { path: "spec.dependencies", add: { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] } },
      {
        path: "spec.triggers[].template",
        add: { "x-kubernetes-validations": [{ rule: exactlyOne(TRIGGER_KINDS), message: `needs exactly one trigger kind: ${TRIGGER_KINDS.join(", ")}` }] },
      },
    ],
    columns: [
      { name: "Dependencies", type: "integer", jsonPath: ".status.dependencyCount", description: "Number of dependencies." },
      { name: "Triggers", type: "integer", jsonPath: ".status.triggerCount", description: "Number of triggers." },
      { name: "EventBus", type: "string", jsonPath: ".spec.eventBusName", description: "EventBus it consumes from.", priority: 1 },
    ],
  },
];

const readyColumns: PrinterColumn[] = [
  { name: "Ready", type: "string", jsonPath: `.status.conditions[?(@.type=="${READY_CONDITION}")].status`, description: "Status of the Ready condition." },
  { name: "Reason", type: "string", jsonPath: `.status.conditions[?(@.type=="${READY_CONDITION}")].reason`, description: "Reason of the Ready condition." },
];
const ageColumn: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

/** A copy of `s` with `add` merged into the node at `path` (segments like `triggers[]`, which step into the items). */
function withAt(s: JSONSchemaProps, path: string[], add: JSONSchemaProps): JSONSchemaProps {
  if (path.length === 0) return ordered({ ...s, ...add });
  const [head, ...rest] = path as [string, ...string[]];
  const key = head.replace(/\[\]$/, "");
  const child = s.properties?.[key];
  if (!child) throw new Error(`CRD extra: no field ${key}`);
  const next = head.endsWith("[]") ? { ...child, items: withAt(child.items!, rest, add) } : withAt(child, rest, add);
  return { ...s, properties: { ...s.properties, [key]: next } };
}

export interface BuiltCrd {
  kind: KindDefinition;
  crd: CustomResourceDefinition;
  /** Fields the CRD types more loosely than zod (checked by the controller instead). */
  losses: Loss[];
}

export function buildCrd(def: KindDefinition): BuiltCrd {
  const spec = toStructural(def.spec, "spec");
  let specSchema = ordered({ ...spec.schema, description: spec.schema.description ?? `Desired state of the ${def.kind}.` });
  for (const { path, add } of def.extras ?? []) specSchema = withAt(specSchema, path.split(".").slice(1), add);
  const openAPIV3Schema: JSONSchemaProps = {
    description: def.description,
    type: "object",
    required: ["spec"],
    properties: {
      apiVersion: {
        description: `APIVersion defines the versioned schema of this representation of an object: ${CRD_GROUP}/${CRD_VERSION}.`,
        type: "string",
      },
      kind: { description: `Kind is the type of this object: ${def.kind}.`, type: "string" },
      metadata: { type: "object" },
      spec: specSchema,
      status: def.status,
    },
  };
  const crd: CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${def.plural}.${CRD_GROUP}`, labels: { "app.kubernetes.io/part-of": "impulse" } },
    spec: {
      group: CRD_GROUP,
      names: { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular, shortNames: def.shortNames, categories: CRD_CATEGORIES },
      scope: "Namespaced",
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [...def.columns, ...readyColumns, ageColumn],
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
  return { kind: def, crd, losses: spec.losses };
}

/** The three CRDs, EventBus first (the order they are applied in). */
export function buildCrds(): BuiltCrd[] {
  return KINDS.map(buildCrd);
}
