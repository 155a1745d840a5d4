// The log trigger prints each event as a structured CloudEvent, the form `impulse sensor test --event` reads.
import assert from "node:assert/strict";
import { it } from "node:test";
import { StructuredCloudEvent, type ImpulseEvent } from "@impulse/api";
import { pino } from "pino";
import { log } from "./log.js";

it("logs every dependency's event with specversion, datacontenttype and extensions, valid as a StructuredCloudEvent", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const event: ImpulseEvent = {
    specversion: "1.0",
    id: "0123456789abcdef0123456789abcdef",
    source: "webhook",
    subject: "example",
    type: "webhook",
    time: "2026-01-01T00:00:00.000Z",
    datacontenttype: "application/json",
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    data: { body: { message: "hi" } },
  };
  const executor = log.create({} as Parameters<typeof log.create>[0]);
  const result = await executor.execute({ template: {}, payload: undefined, events: { payload: event }, idempotencyKey: "k", logger } as never, new AbortController().signal);
  assert.deepEqual(result, { logged: true });
  const printed = (lines[0]!["events"] as Record<string, unknown>)["payload"];
  assert.deepEqual(printed, event);
  assert.ok(StructuredCloudEvent.safeParse(printed).success);
});
