// Resolves a trigger URL's host, checks every address against the egress policy, and pins the connection to the checked address.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { ErrorCodes, ImpulseError } from "@impulse/api";
import ipaddr from "ipaddr.js";
import { normalize, type CompiledEgress } from "./policy.js";

/** A host's addresses are re-resolved after this: short, as DNS answers change; long enough to spare a lookup per firing. */
const RESOLVE_TTL_MS = 5_000;
const MAX_HOSTS = 256;

export interface CheckedTarget {
  /** The address the connection must use: the one that was checked (a second lookup could answer differently). */
  address: string;
  family: 4 | 6;
  /** The policy lets secureHeaders/basicAuth go to this host (the configured host always may). */
  secretsAllowed: boolean;
}

export type Resolver = (host: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))));

/** One guard per trigger: owns its small resolution cache. */
export function egressGuard(egress: CompiledEgress, resolver: Resolver = systemResolver) {
  const resolved = new Map<string, { addrs: LookupAddress[]; until: number }>();
  const addressesOf = async (host: string): Promise<LookupAddress[]> => {
    const family = isIP(host);
    if (family) return [{ address: host, family }];
    const hit = resolved.get(host);
    if (hit && hit.until > Date.now()) return hit.addrs;
    let addrs: LookupAddress[];
    try {
      addrs = await resolver(host);
    } catch (e) {
      // A name that does not resolve now may later (DNS outage): retryable, like a refused connection.
      throw new ImpulseError(ErrorCodes.TriggerFailed, `cannot resolve ${host}: ${(e as Error).message}`, { retryable: true, cause: e });
    }
    if (resolved.size >= MAX_HOSTS) resolved.delete(resolved.keys().next().value!);
    resolved.set(host, { addrs, until: Date.now() + RESOLVE_TTL_MS });
    return addrs;
  };
  return async (url: URL, configured: boolean): Promise<CheckedTarget> => {
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase().replace(/\.$/, "");
    const addrs = await addressesOf(host);
    if (addrs.length === 0) throw new ImpulseError(ErrorCodes.TriggerFailed, `${host} resolved to no address`, { retryable: true });
    const facts = { host, addresses: addrs.map((a) => normalize(ipaddr.parse(a.address))), configured };
    const verdict = egress.check(facts);
    // Not retryable: the same URL would be refused again; the firing fails (or goes to the dlqTrigger) at once.
    if (!verdict.ok) throw new ImpulseError(ErrorCodes.EgressDenied, `egress policy refused ${url.protocol}//${url.host}: ${verdict.reason}`, { retryable: false });
    const first = addrs[0]!;
    return { address: first.address, family: first.family === 6 ? 6 : 4, secretsAllowed: configured || (egress.secureHeaders === "allowedHosts" && egress.allowed(facts)) };
  };
}

/** A lookup that always answers the checked address, so the socket connects where the policy looked (no DNS rebinding). */
export function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
}
