// Tells when the bus has nothing left for the chaos run's sensor: no message waiting and none unacknowledged.
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

/** True when every durable consumer on the server has nothing pending and nothing awaiting an ack. */
export async function consumersIdle(url: string): Promise<boolean> {
  const nc = await connect({ servers: url, reconnect: false, timeout: 2000 });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 2000 });
    for await (const s of jsm.streams.list()) {
      for await (const c of jsm.consumers.list(s.config.name)) {
        if (c.config.durable_name && (c.num_pending > 0 || c.num_ack_pending > 0)) return false;
      }
    }
    return true;
  } finally {
    await nc.close();
  }
}
