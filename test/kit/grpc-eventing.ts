// A real gRPC server implementing the generic Eventing service (from eventsource/proto/generic.proto) for the generic source's suites.
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { repoRoot } from "./cli.js";

export interface EventingCall {
  name: string;
  config: string;
  /** The `authorization` call metadata as received, if any. */
  authorization: string | undefined;
}

export interface EventingServer {
  /** The gRPC target to put in the EventSource's `url` (127.0.0.1:<port>). */
  url: string;
  /** Every StartEventSource call, accepted or refused, in arrival order. */
  calls: EventingCall[];
  /** Streams open now. */
  openStreams(): number;
  /** Writes one event to every open stream; returns how many streams got it. */
  send(payload: string | Buffer, name?: string): number;
  /** Ends every open stream with status OK (as a server that finished). */
  endStreams(): void;
  /** Goes away: every connection is cut, the port closed. */
  stop(): Promise<void>;
  /** Serves again on the same port. */
  restart(): Promise<void>;
}

const protoFile = join(repoRoot, "eventsource", "proto", "generic.proto");

/** `token`: refuse calls without `authorization: Bearer <token>` with UNAUTHENTICATED; `tls`: serve over TLS with this certificate. */
export async function startEventingServer(opts: { token?: string; tls?: { cert: string; key: string } } = {}): Promise<EventingServer> {
  const def = loadSync(protoFile, { keepCase: true, defaults: true });
  const service = (grpc.loadPackageDefinition(def)["generic"] as grpc.GrpcObject)["Eventing"] as grpc.ServiceClientConstructor;
  const calls: EventingCall[] = [];
  const open = new Set<grpc.ServerWritableStream<{ name: string; config: Buffer }, { name: string; payload: Buffer }>>();
  const handler = (call: grpc.ServerWritableStream<{ name: string; config: Buffer }, { name: string; payload: Buffer }>) => {
    const auth = call.metadata.get("authorization")[0];
    calls.push({ name: call.request.name, config: Buffer.from(call.request.config).toString("utf8"), authorization: auth === undefined ? undefined : String(auth) });
    if (opts.token !== undefined && auth !== `Bearer ${opts.token}`) {
      call.emit("error", { code: grpc.status.UNAUTHENTICATED, details: "bad or missing bearer token" });
      return;
    }
    open.add(call);
    call.on("cancelled", () => open.delete(call));
    call.on("close", () => open.delete(call));
  };
  let server: grpc.Server | undefined;
  let port = 0;
  const listen = async () => {
    const s = new grpc.Server();
    s.addService(service.service, { StartEventSource: handler });
    for (let i = 0; ; i++) {
      try {
        port = await new Promise<number>((resolve, reject) =>
          s.bindAsync(
            `127.0.0.1:${port}`,
            opts.tls ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(opts.tls.cert), private_key: Buffer.from(opts.tls.key) }], false) : grpc.ServerCredentials.createInsecure(),
            (e, p) => (e ? reject(e) : resolve(p)),
          ),
        );
        break;
      } catch (e) {
        // The old port may linger a moment after a stop.
        if (i > 50 || port === 0) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    server = s;
  };
  await listen();
  return {
    url: `127.0.0.1:${port}`,
    calls,
    openStreams: () => open.size,
    send(payload, name = "test") {
      for (const c of open) c.write({ name, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload) });
      return open.size;
    },
    endStreams() {
      for (const c of open) c.end();
      open.clear();
    },
    async stop() {
      open.clear();
      server?.forceShutdown();
      server = undefined;
    },
    restart: listen,
  };
}
