// @impulse/bus: the EventBus seam and its JetStream driver.
export * from "./types.js";
export * from "./names.js";
export { dedupKey } from "./dedup.js";
export { parseNatsUrl, redactUrl, type NatsUrlParts } from "./nats-url.js";
export { JetStreamBus, type JetStreamBusOptions } from "./jetstream/bus.js";
export { DEFAULT_STREAM } from "./jetstream/stream.js";
export { freePort } from "./dev/free-port.js";
export { stopProcess } from "./dev/process.js";
export { lockDataDir, type DataDirLock } from "./dev/data-dir-lock.js";
export { startNatsServer, findNatsServer, natsCacheBinary, NATS_SERVER_VERSION, type NatsServer } from "./dev/nats-server.js";
