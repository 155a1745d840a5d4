// gRPC channels to custom trigger servers: one per server and TLS setting, opened on first use, closed with the sensor.
import { ErrorCodes, ImpulseError, type CustomTriggerTemplate } from "@impulse/api";
import type { Metadata, ServiceError } from "@grpc/grpc-js";
import type { TriggerContext } from "../define.js";
import { loadTriggerService, type Grpc, type TriggerClient } from "./protocol.js";

/** A call that takes longer is abandoned and retried under the trigger's retryStrategy (Argo waits forever). */
const CALL_TIMEOUT_MS = 60_000;

/** Codes that will come back the same on a retry: the request or the credentials are wrong, or the server lacks the method. */
const PERMANENT = new Set(["INVALID_ARGUMENT", "PERMISSION_DENIED", "UNAUTHENTICATED", "UNIMPLEMENTED"]);

export interface Connection {
  grpc: Grpc;
  client: TriggerClient;
}

/** One channel per (serverURL, secure, certSecret, serverNameOverride); a failed setup is not cached. */
export function connections(ctx: TriggerContext) {
  const byKey = new Map<string, Promise<Connection>>();
  ctx.signal.addEventListener("abort", () => void Promise.allSettled([...byKey.values()].map(async (c) => (await c).client.close())), { once: true });
  return (t: CustomTriggerTemplate): Promise<Connection> => {
    const key = JSON.stringify([t.serverURL, t.secure === true, t.certSecret, t.serverNameOverride]);
    let c = byKey.get(key);
    if (!c) {
      c = (async () => {
        const { grpc, Trigger } = await loadTriggerService();
        const options: Record<string, string | number> = {};
        let credentials = grpc.credentials.createInsecure();
        if (t.secure) {
          if (!t.certSecret) throw new ImpulseError(ErrorCodes.InvalidSpec, "template.custom.certSecret: is required when secure is true");
          credentials = grpc.credentials.createSsl(Buffer.from(await ctx.secrets(t.certSecret), "utf8"));
          if (t.serverNameOverride) {
            // The name checked against the certificate and sent as :authority / SNI, in place of the serverURL's host.
            options["grpc.ssl_target_name_override"] = t.serverNameOverride;
            options["grpc.default_authority"] = t.serverNameOverride;
          }
        }
        return { grpc, client: new Trigger(t.serverURL, credentials, options) };
      })();
      byKey.set(key, c);
      c.catch(() => byKey.delete(key));
    }
    return c;
  };
}

/** One unary call, cancelled when the firing is aborted; a gRPC failure becomes a TriggerFailed naming the method. */
export function call<Req, Res>(
  conn: Connection,
  method: "FetchResource" | "Execute" | "ApplyPolicy",
  request: Req,
  metadata: Metadata,
  signal: AbortSignal,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    const fn = conn.client[method] as unknown as (
      r: Req, m: Metadata, o: { deadline: Date }, cb: (e: ServiceError | null, res?: Res) => void,
    ) => { cancel(): void };
    const onAbort = () => pending.cancel();
    const pending = fn.call(conn.client, request, metadata, { deadline: new Date(Date.now() + CALL_TIMEOUT_MS) }, (e, res) => {
      signal.removeEventListener("abort", onAbort);
      if (e) return reject(callError(conn.grpc, method, e));
      resolve(res as Res);
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

function callError(grpc: Grpc, method: string, e: ServiceError): ImpulseError {
  const name = grpc.status[e.code] ?? String(e.code);
  return new ImpulseError(ErrorCodes.TriggerFailed, `custom trigger ${method}: ${name}: ${e.details || e.message}`, { retryable: !PERMANENT.has(name), cause: e });
}
