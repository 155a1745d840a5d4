// A real gRPC server implementing Argo's custom trigger service (sensor/proto/trigger.proto) for the custom trigger's suites.
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { repoRoot } from "./cli.js";

export interface TriggerCall {
  method: "FetchResource" | "Execute" | "ApplyPolicy";
  /** FetchResource: the spec YAML; Execute: the resource; ApplyPolicy: the response. */
  resource: string;
  /** Execute only: the payload bytes as text. */
  payload?: string;
  idempotencyKey: string | undefined;
}

export interface TriggerBehaviour {
  /** What FetchResource answers for a spec (YAML text); default: a JSON object holding the spec text. */
  fetch?: (specYaml: string) => string;
  /** Execute: throw an object { code, details } to fail the call; return the response text. Default: echoes the payload. */
  execute?: (resource: string, payload: string) => string;
  /** ApplyPolicy's verdict on Execute's response; default: success. */
  policy?: (response: string) => { success: boolean; message: string };
}

export interface TriggerServer {
  /** The gRPC target to put in serverURL (127.0.0.1:<port>). */
  url: string;
  calls: TriggerCall[];
  /** Calls of one method, in arrival order. */
  of(method: TriggerCall["method"]): TriggerCall[];
  stop(): Promise<void>;
}

const protoFile = join(repoRoot, "sensor", "proto", "trigger.proto");

/** `tls`: serve with this certificate and key (PEM) instead of plaintext. */
export async function startTriggerServer(behaviour: TriggerBehaviour = {}, tls?: { cert: string; key: string }): Promise<TriggerServer> {
  const def = loadSync(protoFile, { keepCase: true, defaults: true });
  const service = (grpc.loadPackageDefinition(def)["triggers"] as grpc.GrpcObject)["Trigger"] as grpc.ServiceClientConstructor;
  const calls: TriggerCall[] = [];
  const key = (c: grpc.ServerUnaryCall<unknown, unknown>) => {
    const v = c.metadata.get("idempotency-key")[0];
    return v === undefined ? undefined : String(v);
  };
  const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString("utf8");
  type Cb = grpc.sendUnaryData<unknown>;
  const guard = (cb: Cb, fn: () => unknown) => {
    try {
      cb(null, fn());
    } catch (e) {
      cb(e as grpc.ServiceError);
    }
  };
  const server = new grpc.Server();
  server.addService(service.service, {
    FetchResource: (c: grpc.ServerUnaryCall<{ resource: Uint8Array }, unknown>, cb: Cb) => {
      const spec = text(c.request.resource);
      calls.push({ method: "FetchResource", resource: spec, idempotencyKey: key(c) });
      guard(cb, () => ({ resource: Buffer.from(behaviour.fetch ? behaviour.fetch(spec) : JSON.stringify({ spec })) }));
    },
    Execute: (c: grpc.ServerUnaryCall<{ resource: Uint8Array; payload: Uint8Array }, unknown>, cb: Cb) => {
      const [resource, payload] = [text(c.request.resource), text(c.request.payload)];
      calls.push({ method: "Execute", resource, payload, idempotencyKey: key(c) });
      guard(cb, () => ({ response: Buffer.from(behaviour.execute ? behaviour.execute(resource, payload) : payload) }));
    },
    ApplyPolicy: (c: grpc.ServerUnaryCall<{ request: Uint8Array }, unknown>, cb: Cb) => {
      const response = text(c.request.request);
      calls.push({ method: "ApplyPolicy", resource: response, idempotencyKey: key(c) });
      guard(cb, () => behaviour.policy?.(response) ?? { success: true, message: "done" });
    },
  });
  const creds = tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }], false) : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", creds, (e, p) => (e ? reject(e) : resolve(p))));
  return {
    url: `127.0.0.1:${port}`,
    calls,
    of: (m) => calls.filter((c) => c.method === m),
    stop: async () => {
      server.forceShutdown();
    },
  };
}
