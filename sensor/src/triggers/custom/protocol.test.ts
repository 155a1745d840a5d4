// The custom trigger's wire contract: the .proto file and the embedded descriptor match Argo's method paths and field numbers.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { fromJSON, loadSync, type MessageTypeDefinition } from "@grpc/proto-loader";
import { PROTO_LOADER_OPTIONS, TRIGGER_PROTO_DESCRIPTOR } from "./protocol.js";

const protoFile = fileURLToPath(new URL("../../../proto/trigger.proto", import.meta.url));
const fromFile = loadSync(protoFile, PROTO_LOADER_OPTIONS);
const embedded = fromJSON(TRIGGER_PROTO_DESCRIPTOR as Parameters<typeof fromJSON>[0], PROTO_LOADER_OPTIONS);
type Msg = MessageTypeDefinition<object, Record<string, unknown>>;

it("speaks Argo's wire contract: method paths and field numbers, in the .proto file and the embedded descriptor alike", () => {
  for (const def of [fromFile, embedded]) {
    const methods = def["triggers.Trigger"] as Record<string, { path: string; requestStream: boolean; responseStream: boolean }>;
    for (const m of ["FetchResource", "Execute", "ApplyPolicy"])
      assert.deepEqual([methods[m]!.path, methods[m]!.requestStream, methods[m]!.responseStream], [`/triggers.Trigger/${m}`, false, false]);
    // resource = 1 (bytes, tag 0x0a), payload = 2 (bytes, tag 0x12)
    assert.deepEqual([...(def["triggers.ExecuteRequest"] as Msg).serialize({ resource: Buffer.from("a"), payload: Buffer.from("b") })], [0x0a, 1, 0x61, 0x12, 1, 0x62]);
    assert.deepEqual([...(def["triggers.FetchResourceRequest"] as Msg).serialize({ resource: Buffer.from("s") })], [0x0a, 1, 0x73]);
    assert.deepEqual([...(def["triggers.ApplyPolicyRequest"] as Msg).serialize({ request: Buffer.from("r") })], [0x0a, 1, 0x72]);
    // success = 1 (varint, tag 0x08), message = 2 (string, tag 0x12)
    const policy = (def["triggers.ApplyPolicyResponse"] as Msg).deserialize(Buffer.from([0x08, 1, 0x12, 2, 0x6f, 0x6b]));
    assert.deepEqual([policy["success"], policy["message"]], [true, "ok"]);
    const fetched = (def["triggers.FetchResourceResponse"] as Msg).deserialize(Buffer.from([0x0a, 2, 0x7b, 0x7d]));
    assert.equal(Buffer.from(fetched["resource"] as Buffer).toString(), "{}");
    const executed = (def["triggers.ExecuteResponse"] as Msg).deserialize(Buffer.from([0x0a, 1, 0x78]));
    assert.equal(Buffer.from(executed["response"] as Buffer).toString(), "x");
  }
});

it("decodes an empty ApplyPolicy answer as a failure with an empty message (proto3 defaults)", () => {
  const decoded = (embedded["triggers.ApplyPolicyResponse"] as Msg).deserialize(Buffer.alloc(0));
  assert.deepEqual([decoded["success"], decoded["message"]], [false, ""]);
});
