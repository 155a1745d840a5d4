// The custom trigger's gRPC contract (sensor/proto/trigger.proto, wire-compatible with Argo's), loaded only when used.
import type { CallOptions, Client, Metadata, ServiceClientConstructor, ServiceError } from "@grpc/grpc-js";

const bytes = (id: number) => ({ type: "bytes", id });

/** The same contract as sensor/proto/trigger.proto, as a protobuf.js descriptor: no .proto file to ship or find at runtime. */
export const TRIGGER_PROTO_DESCRIPTOR = {
  nested: {
    triggers: {
      nested: {
        Trigger: {
          methods: {
            FetchResource: { requestType: "FetchResourceRequest", responseType: "FetchResourceResponse" },
            Execute: { requestType: "ExecuteRequest", responseType: "ExecuteResponse" },
            ApplyPolicy: { requestType: "ApplyPolicyRequest", responseType: "ApplyPolicyResponse" },
          },
        },
        FetchResourceRequest: { fields: { resource: bytes(1) } },
        FetchResourceResponse: { fields: { resource: bytes(1) } },
        ExecuteRequest: { fields: { resource: bytes(1), payload: bytes(2) } },
        ExecuteResponse: { fields: { response: bytes(1) } },
        ApplyPolicyRequest: { fields: { request: bytes(1) } },
        ApplyPolicyResponse: { fields: { success: { type: "bool", id: 1 }, message: { type: "string", id: 2 } } },
      },
    },
  },
};

/** Decoding options shared by the client and the test kit's server: bytes as Buffers, absent fields as their defaults. */
export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

type Unary<Req, Res> = (request: Req, metadata: Metadata, options: CallOptions, callback: (e: ServiceError | null, res?: Res) => void) => unknown;

export interface TriggerClient extends Client {
  FetchResource: Unary<{ resource: Buffer }, { resource: Buffer }>;
  Execute: Unary<{ resource: Buffer; payload: Buffer }, { response: Buffer }>;
  ApplyPolicy: Unary<{ request: Buffer }, { success: boolean; message: string }>;
}

export type Grpc = typeof import("@grpc/grpc-js");
export type TriggerClientConstructor = new (...args: ConstructorParameters<ServiceClientConstructor>) => TriggerClient;

/** grpc-js and the Trigger client constructor, imported on the first firing (lint and other kinds never load them). */
export async function loadTriggerService(): Promise<{ grpc: Grpc; Trigger: TriggerClientConstructor }> {
  const [grpc, loader] = await Promise.all([import("@grpc/grpc-js"), import("@grpc/proto-loader")]);
  const pkg = grpc.loadPackageDefinition(loader.fromJSON(TRIGGER_PROTO_DESCRIPTOR as Parameters<typeof loader.fromJSON>[0], PROTO_LOADER_OPTIONS));
  const Trigger = (pkg["triggers"] as Record<string, unknown>)["Trigger"] as unknown as TriggerClientConstructor;
  return { grpc, Trigger };
}
