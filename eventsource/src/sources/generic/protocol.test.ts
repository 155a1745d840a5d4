import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { fromJSON, loadSync, type MessageTypeDefinition } from "@grpc/proto-loader";
import { GENERIC_PROTO_DESCRIPTOR, PROTO_LOADER_OPTIONS } from "./protocol.js";

const protoFile = fileURLToPath(new URL("../../../proto/generic.proto", import.meta.url));
const fromFile = loadSync(protoFile, PROTO_LOADER_OPTIONS);
const embedded = fromJSON(GENERIC_PROTO_DESCRIPTOR as Parameters<typeof fromJSON>[0], PROTO_LOADER_OPTIONS);

it("speaks Argo's wire contract: method path and field numbers (bytes as Argo's generated code writes them)", () => {
  for (const def of [fromFile, embedded]) {
    const method = (def["generic.Eventing"] as Record<string, { path: string; responseStream: boolean; requestStream: boolean }>)["StartEventSource"]!;
    assert.deepEqual([method.path, method.requestStream, method.responseStream], ["/generic.Eventing/StartEventSource", false, true]);
    const req = def["generic.EventSource"] as MessageTypeDefinition<object, object>;
    // name = 1 (string, tag 0x0a), config = 2 (bytes, tag 0x12)
    assert.deepEqual([...req.serialize({ name: "a", config: Buffer.from("b") })], [0x0a, 1, 0x61, 0x12, 1, 0x62]);
    const ev = def["generic.Event"] as MessageTypeDefinition<object, { name: string; payload: Buffer }>;
    const decoded = ev.deserialize(Buffer.from([0x0a, 1, 0x78, 0x12, 2, 0x7b, 0x7d]));
    assert.equal(decoded.name, "x");
    assert.equal(Buffer.from(decoded.payload).toString(), "{}");
  }
});

it("decodes an empty event with defaults (an empty payload, not undefined)", () => {
  const ev = embedded["generic.Event"] as MessageTypeDefinition<object, { name: string; payload: Buffer }>;
  const decoded = ev.deserialize(Buffer.alloc(0));
  assert.equal(decoded.name, "");
  assert.equal(Buffer.from(decoded.payload).length, 0);
});
