// @impulse/sensor: the Sensor runtime.
export * from "./compile.js";
export * from "./runner.js";
export * from "./metrics.js";
export * from "./fire.js";
export * from "./filters/index.js";
export * from "./params/apply.js";
export * from "./params/resolve.js";
export * from "./delivery/retry.js";
export * from "./triggers/define.js";
export { triggerDefinitions } from "./triggers/index.js";
export * from "./dry-run.js";
export * from "./lint.js";
export { createSourceLoader, type SourceLoader, type SourceContext, type SourceCall } from "./triggers/sources/index.js";
export { parseCatalog, mergeCatalogs, type MessageCatalog } from "./notify/catalog.js";
