// @impulse/eventsource: the EventSource runtime and its source definitions.
export * from "./define.js";
export * from "./metrics.js";
export * from "./envelope.js";
export * from "./runner.js";
export { sourceDefinitions } from "./sources/index.js";
