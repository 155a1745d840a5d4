// Asks nsqlookupd which nsqd nodes hold a topic (GET /lookup?topic=), as go-nsq's ConnectToNSQLookupd does.
import { request } from "undici";

export interface Producer {
  host: string;
  port: number;
}

/** hostAddress as Argo takes it: host:port, or a URL (http:// is assumed). */
export function lookupUrl(hostAddress: string, topic: string): string {
  const u = new URL(hostAddress.includes("://") ? hostAddress : `http://${hostAddress}`);
  if (u.pathname === "" || u.pathname === "/") u.pathname = "/lookup";
  u.searchParams.set("topic", topic);
  return u.toString();
}

/** The producers listed for the topic; none when nsqlookupd does not know the topic yet (404). Throws when unreachable. */
export async function lookupProducers(hostAddress: string, topic: string, signal: AbortSignal): Promise<Producer[]> {
  const r = await request(lookupUrl(hostAddress, topic), { signal, headersTimeout: 10_000, bodyTimeout: 10_000, headers: { accept: "application/vnd.nsq; version=1.0" } });
  if (r.statusCode === 404) {
    await r.body.dump();
    return [];
  }
  if (r.statusCode !== 200) throw new Error(`nsqlookupd answered ${r.statusCode}: ${(await r.body.text()).slice(0, 200)}`);
  const body = (await r.body.json()) as { producers?: RawProducer[]; data?: { producers?: RawProducer[] } };
  return (body.producers ?? body.data?.producers ?? []).map((p) => ({ host: p.broadcast_address || p.hostname || "", port: p.tcp_port })).filter((p) => p.host !== "" && p.port > 0);
}

interface RawProducer {
  broadcast_address?: string;
  hostname?: string;
  tcp_port: number;
}
