// @impulse/eventsource: the EventSource runtime and its source definitions.
export * from "./define.js";
export * from "./metrics.js";
export * from "./envelope.js";
export * from "./runner.js";
export { sourceDefinitions } from "./sources/index.js";
// Kubernetes plumbing the controller reuses (one Lease election, one list+watch) instead of keeping copies.
export { runWithLease, type LeaseOptions } from "./leader/lease.js";
export { KubeHttpError, listPages, watch, type KubeObject, type WatchEvent } from "./kube-http.js";
