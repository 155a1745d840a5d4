// @impulse/api: the resource model. Pure: no I/O.
export * from "./errors.js";
export * from "./cloudevent.js";
export * from "./validate.js";
export * from "./common/duration.js";
export * from "./common/types.js";
export * from "./paths/gjson.js";
export * from "./paths/sjson.js";
export * from "./eventbus.js";
export * from "./eventsource/schema.js";
export * from "./eventsource/sources/index.js";
export * from "./eventsource/sources/webhook.js";
export * from "./sensor/schema.js";
export * from "./sensor/filters.js";
export * from "./sensor/parameters.js";
export * from "./sensor/triggers/index.js";
export * from "./sensor/triggers/http.js";
export * from "./sensor/triggers/log.js";
