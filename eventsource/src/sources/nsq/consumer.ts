// The NSQ client side of one nsq event: an nsqjs Reader whose messages carry the address of the nsqd they came from,
// with FIN/REQ/TOUCH that never throw on a connection that is already gone.
import nsq from "nsqjs";
import type { Message } from "nsqjs";

export type NsqMessage = Message & { nsqdAddress?: string };

export interface ReaderTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

/** nsqjs hands a Reader's listeners the message without its connection; this tags each message with its nsqd's address. */
class AddressedReader extends nsq.Reader {
  registerConnectionListeners(conn: { nsqdHost: string; nsqdPort: number; on(e: string, l: (m: NsqMessage) => void): void }): void {
    (nsq.Reader.prototype as unknown as { registerConnectionListeners(c: unknown): void }).registerConnectionListeners.call(this, conn);
    // Runs before the Reader re-emits the message (it does so on the next tick).
    conn.on("message", (m) => (m.nsqdAddress = `${conn.nsqdHost}:${conn.nsqdPort}`));
  }
}

export function newReader(topic: string, channel: string, lookupd: string, maxInFlight: number, tls: ReaderTls | true | undefined): nsq.Reader {
  const tlsOptions =
    tls === undefined
      ? {}
      : tls === true
        ? { tls: true }
        : // nsqjs takes the PEMs as Buffers only.
          { tls: true, tlsVerification: tls.rejectUnauthorized, ...pem("ca", tls.ca), ...pem("cert", tls.cert), ...pem("key", tls.key) };
  return new AddressedReader(topic, channel, {
    // Required by nsqjs' config check; discovery is driven by the caller (connect() is never called).
    lookupdHTTPAddresses: [lookupd],
    maxInFlight,
    ...tlsOptions,
  } as ConstructorParameters<typeof nsq.Reader>[2]);
}

const pem = (k: string, v: string | undefined) => (v === undefined ? {} : { [k]: Buffer.from(v) });

/** FIN, REQ (now, without backing the reader off) or TOUCH; a message whose connection closed is redelivered by nsqd anyway. */
export function respond(m: NsqMessage, how: "finish" | "requeue" | "touch"): boolean {
  if (m.hasResponded) return false;
  try {
    if (how === "finish") m.finish();
    else if (how === "requeue") m.requeue(0, false);
    else m.touch();
    return true;
  } catch {
    return false;
  }
}
