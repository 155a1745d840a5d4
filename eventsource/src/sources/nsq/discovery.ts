// Keeps an nsq Reader connected to every nsqd that nsqlookupd lists for the topic, and says whether it is: /health
// turns red when nsqlookupd is unreachable, a listed nsqd cannot be reached, or an nsqd the source read from was lost.
import type { Backoff } from "@impulse/api";
import type nsq from "nsqjs";
import type { Logger } from "pino";
import { reconnectDelayMs } from "../shared/backoff.js";
import { sleep } from "../shared/sleep.js";
import type { UpstreamState } from "../shared/upstream.js";
import { lookupProducers } from "./lookup.js";

/** How often nsqlookupd is asked for the topic's nsqd nodes while all is well (go-nsq's default is 60 s). */
export const LOOKUP_EVERY_MS = 5_000;
/**
 * An nsqd the source lost stays an outage until it is back, or until nsqlookupd has not listed it for this long (it
 * was taken out of the cluster): nsqlookupd forgets a stopped nsqd at once, which would otherwise hide the outage.
 */
const FORGET_LOST_MS = 5 * 60_000;
/** A listed nsqd not connected this long after the first attempt counts as unreachable (a connect takes a round trip). */
const CONNECT_GRACE_MS = 3_000;

export interface DiscoveryOptions {
  reader: nsq.Reader;
  hostAddress: string;
  topic: string;
  backoff: Backoff | undefined;
  state: UpstreamState;
  log: Logger;
  signal: AbortSignal;
  /** Called once the first lookup answered (the source is reading or waiting for the topic). */
  onFirstLookup: () => void;
}

export async function runDiscovery(o: DiscoveryOptions): Promise<void> {
  const { reader, state, log, signal } = o;
  const connected = new Set<string>();
  const lost = new Map<string, number>();
  const tried = new Map<string, number>();
  reader.on("nsqd_connected", (host: string, port: number) => {
    const a = `${host}:${port}`;
    connected.add(a);
    tried.delete(a);
    if (lost.delete(a)) log.info({ nsqd: a }, "nsqd reconnected");
    evaluate();
  });
  reader.on("nsqd_closed", (host: string, port: number) => {
    const a = `${host}:${port}`;
    connected.delete(a);
    if (signal.aborted) return;
    if (!lost.has(a)) lost.set(a, Date.now());
    evaluate();
  });

  let lookupError: string | undefined;
  let listed: string[] = [];
  /** Recomputes health from the last lookup and the connections; counts an outage when it begins. */
  function evaluate() {
    const now = Date.now();
    const missing = listed.filter((a) => !connected.has(a) && now - (tried.get(a) ?? now) > CONNECT_GRACE_MS);
    const problem = lookupError ?? (missing.length > 0 ? `nsqd ${missing[0]} not connected` : lost.size > 0 ? `nsqd ${[...lost.keys()][0]} connection lost` : undefined);
    if (problem === undefined) {
      if (!state.healthy) log.info("reading the topic");
      state.up();
    } else if (state.healthy) {
      log.warn({ err: problem }, "nsq upstream unavailable; retrying with backoff");
      state.down(problem, lookupError ? "lookup" : "disconnect");
    } else state.down(problem);
  }

  let attempt = 0;
  let first = true;
  while (!signal.aborted) {
    let producers: string[];
    try {
      producers = (await lookupProducers(o.hostAddress, o.topic, signal)).map((p) => `${p.host}:${p.port}`);
      lookupError = undefined;
    } catch (e) {
      if (signal.aborted) break;
      lookupError = `nsqlookupd ${o.hostAddress}: ${(e as Error).message.split("\n")[0]}`;
      evaluate();
      if (first) (first = false), o.onFirstLookup();
      await sleep(reconnectDelayMs(o.backoff, attempt++), signal);
      continue;
    }
    listed = producers;
    for (const [a, since] of lost) if (!producers.includes(a) && Date.now() - since > FORGET_LOST_MS) lost.delete(a);
    for (const a of producers) {
      if (connected.has(a)) continue;
      if (!tried.has(a)) tried.set(a, Date.now());
      const i = a.lastIndexOf(":");
      reader.connectToNSQD(a.slice(0, i), Number(a.slice(i + 1)));
    }
    evaluate();
    if (first) (first = false), o.onFirstLookup();
    attempt = state.healthy ? 0 : attempt + 1;
    await sleep(state.healthy ? LOOKUP_EVERY_MS : Math.min(LOOKUP_EVERY_MS, reconnectDelayMs(o.backoff, attempt)), signal);
  }
}
