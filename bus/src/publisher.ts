// A plain NATS publisher to a user's NATS (the nats trigger), kept in bus because only bus imports the NATS client.
import {
  connect,
  credsAuthenticator,
  headers as natsHeaders,
  nkeyAuthenticator,
  type Authenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from "@nats-io/transport-node";

export interface NatsPublisherOptions {
  /** nats://host:port, several separated by commas. */
  servers: string;
  name: string;
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } | true | undefined;
  auth?:
    | { kind: "basic"; user: string; pass: string }
    | { kind: "token"; token: string }
    | { kind: "nkey"; seed: string }
    | { kind: "credential"; creds: string }
    | undefined;
  timeoutMs?: number;
}

export interface NatsPublisher {
  /** Publishes and waits until the server has processed it (a flush round trip); throws when the connection is gone. */
  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function connectNatsPublisher(o: NatsPublisherOptions): Promise<NatsPublisher> {
  let authenticator: Authenticator | undefined;
  const creds: Partial<NodeConnectionOptions> = {};
  if (o.auth?.kind === "basic") Object.assign(creds, { user: o.auth.user, pass: o.auth.pass });
  if (o.auth?.kind === "token") creds.token = o.auth.token;
  if (o.auth?.kind === "nkey") authenticator = nkeyAuthenticator(new TextEncoder().encode(o.auth.seed.trim()));
  if (o.auth?.kind === "credential") authenticator = credsAuthenticator(new TextEncoder().encode(o.auth.creds));
  const nc: NatsConnection = await connect({
    servers: o.servers.split(",").map((s) => s.trim()),
    name: o.name,
    timeout: o.timeoutMs ?? 5_000,
    // A firing's retryStrategy decides about retries; reconnecting in the background keeps the connection for the next one.
    reconnect: true,
    maxReconnectAttempts: -1,
    ...creds,
    ...(authenticator ? { authenticator } : {}),
    ...(o.tls ? { tls: o.tls === true ? {} : (o.tls as NodeConnectionOptions["tls"]) } : {}),
  });
  return {
    async publish(subject, data, hdrs) {
      if (nc.isClosed()) throw new Error("the NATS connection is closed");
      let h;
      if (hdrs) {
        h = natsHeaders();
        for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
      }
      nc.publish(subject, data, h ? { headers: h } : undefined);
      // During a reconnect a flush waits for the server: bounded, so a firing fails (and is retried) instead of hanging.
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          nc.flush(),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("the NATS server did not confirm the publish in time")), o.timeoutMs ?? 5_000))),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
