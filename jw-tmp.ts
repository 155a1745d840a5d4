import { startNatsServer, findNatsServer } from "@impulse/bus";
import { NatsJournalWriter } from "./bus/src/journal/writer.ts";
import { connect } from "@nats-io/transport-node";
const s = await startNatsServer({ binary: findNatsServer(undefined, process.env.PATH)! });
const nc = await connect({ servers: s.url });
const w = new NatsJournalWriter(nc, { namespace: "bench", busName: "default" });
const N = 200000;
for (let round = 0; round < 3; round++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    w.append({ kind: "ingest", time: new Date().toISOString(), eventId: crypto.randomUUID(), source: "webhook", event: "example", type: "webhook", eventTime: new Date().toISOString(), size: 1100, sequence: i });
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  w.flush(); await nc.flush();
  const c = process.cpuUsage(c0);
  console.log("client µs/record (incl. uuid+dates)", ((c.user + c.system) / N).toFixed(2), "wall", (performance.now() - t0).toFixed(0));
}
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) { crypto.randomUUID(); new Date().toISOString(); new Date().toISOString(); }
const c = process.cpuUsage(c0); console.log("uuid+2 dates alone", ((c.user + c.system) / N).toFixed(2));
await nc.close(); await s.stop();
