// The generic EventSource's gRPC contract (proto/generic.proto, wire-compatible with Argo's), loaded only when used.
import type { Client, ClientReadableStream, Metadata, ServiceClientConstructor } from "@grpc/grpc-js";

/** The same contract as eventsource/proto/generic.proto, as a protobuf.js descriptor: no .proto file to ship or find at runtime. */
export const GENERIC_PROTO_DESCRIPTOR = {
  nested: {
    generic: {
      nested: {
        Eventing: { methods: { StartEventSource: { requestType: "EventSource", responseType: "Event", responseStream: true } } },
        EventSource: { fields: { name: { type: "string", id: 1 }, config: { type: "bytes", id: 2 } } },
        Event: { fields: { name: { type: "string", id: 1 }, payload: { type: "bytes", id: 2 } } },
      },
    },
  },
};

/** Decoding options shared by the client and the test kit's server: bytes as Buffers, absent fields as their defaults. */
export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

export interface GenericRequest {
  name: string;
  config: Buffer;
}

export interface GenericEvent {
  name: string;
  payload: Buffer;
}

export interface EventingClient extends Client {
  StartEventSource(request: GenericRequest, metadata: Metadata): ClientReadableStream<GenericEvent>;
}

export type Grpc = typeof import("@grpc/grpc-js");

/** grpc-js and the Eventing client constructor, imported on first use (lint and other sources never load them). */
export async function loadEventing(): Promise<{ grpc: Grpc; Eventing: new (...args: ConstructorParameters<ServiceClientConstructor>) => EventingClient }> {
  const [grpc, loader] = await Promise.all([import("@grpc/grpc-js"), import("@grpc/proto-loader")]);
  const pkg = grpc.loadPackageDefinition(loader.fromJSON(GENERIC_PROTO_DESCRIPTOR as Parameters<typeof loader.fromJSON>[0], PROTO_LOADER_OPTIONS));
  const Eventing = (pkg["generic"] as Record<string, unknown>)["Eventing"] as unknown as new (
    ...args: ConstructorParameters<ServiceClientConstructor>
  ) => EventingClient;
  return { grpc, Eventing };
}
