// @impulse/bus: the EventBus seam and its JetStream driver.
// Two measured changes to nats.js internals (each file says why); both skip themselves if nats.js changed shape.
import "./jetstream/request-patch.js";
import "./jetstream/write-coalescing.js";
export * from "./types.js";
export * from "./names.js";
export { dedupKey } from "./dedup.js";
export { parseNatsUrl, redactUrl, type NatsUrlParts } from "./nats-url.js";
export { JetStreamBus, type JetStreamBusOptions } from "./jetstream/bus.js";
export { DEFAULT_STREAM } from "./jetstream/stream.js";
export { connectNatsPublisher, type NatsPublisher, type NatsPublisherOptions } from "./publisher.js";
export { freePort } from "./dev/free-port.js";
export { stopProcess } from "./dev/process.js";
export { lockDataDir, type DataDirLock } from "./dev/data-dir-lock.js";
export { startNatsServer, findNatsServer, natsCacheBinary, NATS_SERVER_VERSION, type NatsServer } from "./dev/nats-server.js";
export { type JournalWriter, disabledJournal } from "./journal/writer.js";
export { JournalClient, queryFilter, type EventQuery, type EventPage, type JournalClientOptions } from "./journal/client.js";
export { buildJourney, RowBuilder, type EventRow, type EventJourney, type TriggerJourney } from "./journal/journey.js";
export { filterSubjects, recordSubject, journalStreamName, type JournalFilter } from "./journal/subjects.js";
export { replayEvents, redriveFirings, type ReplayOptions, type ReplayResult, type ReplayItem, type RedriveOptions, type RedriveItem } from "./journal/replay.js";
