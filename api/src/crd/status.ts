// The status schemas of the three kinds: conditions and observedGeneration, plus the fields their printer columns read.
import type { JSONSchemaProps } from "./types.js";

/** The condition every kind carries; printer columns read its status and reason. */
export const READY_CONDITION = "Ready";

const condition: JSONSchemaProps = {
  description: "One aspect of the resource's state (metav1.Condition). Every kind has Ready; kinds add their own.",
  type: "object",
  required: ["type", "status"],
  properties: {
    type: { description: "Condition type in UpperCamelCase, e.g. Ready.", type: "string", minLength: 1 },
    status: { description: "True, False or Unknown.", type: "string", enum: ["True", "False", "Unknown"] },
    reason: { description: "Machine-readable UpperCamelCase reason of the last transition, e.g. InvalidSpec.", type: "string" },
    message: { description: "Human-readable details; for an invalid spec, the path of the offending field.", type: "string" },
    lastTransitionTime: { description: "When status last changed.", type: "string", format: "date-time" },
    observedGeneration: { description: "metadata.generation this condition was computed from.", type: "integer", format: "int64", minimum: 0 },
  },
};

/** Fields shared by every kind's status; the rest stays open so the controller can add fields without a CRD change. */
function status(kindFields: Record<string, JSONSchemaProps>, what: string): JSONSchemaProps {
  return {
    description: `Observed state of the ${what}, written by the Impulse controller (read-only for users).`,
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
    properties: {
      observedGeneration: { description: "metadata.generation the controller last reconciled.", type: "integer", format: "int64", minimum: 0 },
      conditions: {
        description: `Current conditions; ${READY_CONDITION} is True when everything the resource needs is running.`,
        type: "array",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
        items: condition,
      },
      ...kindFields,
    },
  };
}

export const eventBusStatus = status(
  {
    config: {
      description: "Connection settings EventSources and Sensors on this bus use (e.g. jetstream.url, accessSecret, streamConfig).",
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
    },
  },
  "EventBus",
);

export const eventSourceStatus = status(
  {
    sourceTypes: { description: "Source types this EventSource runs, comma-separated in spec order (e.g. webhook,kafka); the Types column.", type: "string" },
  },
  "EventSource",
);

export const sensorStatus = status(
  {
    dependencyCount: { description: "Number of spec.dependencies; the Dependencies column.", type: "integer", minimum: 0 },
    triggerCount: { description: "Number of spec.triggers; the Triggers column.", type: "integer", minimum: 0 },
  },
  "Sensor",
);
