// Decides whether a trigger may call a URL: the egress policy (operator default + Sensor) over the host and every resolved address.
import type { EgressPolicy } from "@impulse/api";
import ipaddr from "ipaddr.js";

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Where a policy came from, named in refusals so the reader knows which setting to change. */
export interface EgressLevel {
  source: string;
  policy: EgressPolicy;
}

export type EgressVerdict = { ok: true } | { ok: false; reason: string };

/** Cloud metadata services not already covered by link-local 169.254.0.0/16 (AWS IPv6, Alibaba). */
const METADATA = ["fd00:ec2::254", "100.100.100.200"].map((a) => ipaddr.parse(a).toString());

/** Never called unless an allow entry names them: link-local (cloud metadata lives there), unspecified, multicast. */
const ALWAYS_DENIED = new Set(["linkLocal", "unspecified", "broadcast", "multicast"]);
/** Inside the cluster or the machine: callable at the template's own url, not at one taken from an event. */
const INTERNAL = new Set(["loopback", "private", "carrierGradeNat", "uniqueLocal", "deprecatedSiteLocal"]);

/** IPv4 inside IPv6 (::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged as that IPv4 address. */
export function normalize(a: Address): Address {
  if (a.kind() === "ipv4") return a;
  const v6 = a as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const p = v6.parts;
  const range = v6.range();
  if (range === "rfc6052" && p[0] === 0x64 && p[1] === 0xff9b) return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  if (range === "6to4") return new ipaddr.IPv4([p[1]! >> 8, p[1]! & 0xff, p[2]! >> 8, p[2]! & 0xff]);
  return v6;
}

type Matcher = { text: string; host?: (h: string) => boolean; cidr?: [Address, number] };

function matcher(entry: string): Matcher {
  const bare = entry.replace(/^\[(.*)\]$/, "$1");
  if (entry.includes("/")) {
    const [addr, bits] = ipaddr.parseCIDR(entry);
    return { text: entry, cidr: [normalize(addr), addr.kind() === "ipv6" && normalize(addr).kind() === "ipv4" ? bits - 96 : bits] };
  }
  if (ipaddr.isValid(bare)) {
    const a = normalize(ipaddr.parse(bare));
    return { text: entry, cidr: [a, a.kind() === "ipv4" ? 32 : 128] };
  }
  const name = entry.toLowerCase().replace(/\.$/, "");
  if (name.startsWith("*.")) {
    const suffix = name.slice(1); // ".example.com": subdomains only, as TLS wildcards
    return { text: entry, host: (h) => h.endsWith(suffix) };
  }
  return { text: entry, host: (h) => h === name };
}

function matches(m: Matcher, host: string, addresses: Address[], every: boolean): boolean {
  if (m.host) return m.host(host);
  const [net, bits] = m.cidr!;
  const inNet = (a: Address) => a.kind() === net.kind() && a.match(net, bits);
  return every ? addresses.every(inNet) : addresses.some(inNet);
}

export interface TargetFacts {
  /** The URL's host name, lower case, without brackets or a trailing dot. */
  host: string;
  /** What the host resolved to (the literal address for an IP host). */
  addresses: Address[];
  /** The URL has the origin of the template's own configured url (not one chosen by an event). */
  configured: boolean;
}

export interface CompiledEgress {
  check(t: TargetFacts): EgressVerdict;
  /** Whether an allow entry matches the host (secureHeaders: allowedHosts). */
  allowed(t: TargetFacts): boolean;
  secureHeaders: "configuredHost" | "allowedHosts";
}

/** Compiles the levels (operator default first, then the Sensor's); every level's deny and allow apply. */
export function compileEgress(levels: EgressLevel[]): CompiledEgress {
  const compiled = levels.map((l) => ({ source: l.source, allow: l.policy.allow?.map(matcher), deny: (l.policy.deny ?? []).map(matcher) }));
  const secureHeaders = [...levels].reverse().find((l) => l.policy.secureHeaders)?.policy.secureHeaders ?? "configuredHost";
  const explicitlyAllowed = (t: TargetFacts) => {
    const withAllow = compiled.filter((c) => c.allow);
    return withAllow.length > 0 && withAllow.every((c) => c.allow!.some((m) => matches(m, t.host, t.addresses, true)));
  };
  return {
    secureHeaders,
    allowed: explicitlyAllowed,
    check(t) {
      for (const c of compiled) {
        const hit = c.deny.find((m) => matches(m, t.host, t.addresses, false));
        if (hit) return { ok: false, reason: `${t.host} is denied by ${c.source}.deny "${hit.text}"` };
      }
      for (const c of compiled) {
        if (c.allow && !c.allow.some((m) => matches(m, t.host, t.addresses, true)))
          return { ok: false, reason: `${t.host} (${t.addresses.join(", ")}) is not in ${c.source}.allow` };
      }
      if (explicitlyAllowed(t)) return { ok: true };
      for (const a of t.addresses) {
        const range = a.range();
        if (ALWAYS_DENIED.has(range) || METADATA.includes(a.toString()))
          return { ok: false, reason: `${t.host} resolves to ${a} (${METADATA.includes(a.toString()) ? "cloud metadata" : range}), denied by default; an egressPolicy.allow entry can permit it` };
        if (INTERNAL.has(range) && !t.configured)
          return { ok: false, reason: `${t.host} resolves to ${a} (${range}): an internal address is called only at the trigger's own configured url, not at one set from event data; an egressPolicy.allow entry can permit it` };
      }
      return { ok: true };
    },
  };
}
