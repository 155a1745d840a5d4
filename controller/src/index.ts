// @impulse/controller: reconcilers that turn EventBus, EventSource and Sensor resources into workloads, status and Events.
export * from "./controller.js";
export * from "./meta.js";
export * from "./conditions.js";
export { ALLOW_FLAG, type PodPolicy } from "./builders/pod.js";
export { buildEventBus, DEFAULT_NATS_IMAGE } from "./builders/eventbus.js";
export type { ControllerOptions } from "./reconcile/context.js";
