// Names of streams, subjects, consumers and KV buckets: tenant-scoped (namespace + bus) and safe for any event name.
import { createHash } from "node:crypto";

/** Encodes one subject token: NATS forbids '.', '*', '>' and whitespace inside a token; '%' escapes stay reversible. */
const UNSAFE = /[%.*>\s\u0000-\u001f\u007f]/u;
const UNSAFE_ALL = /[%.*>\s\u0000-\u001f\u007f]/gu;

export function encodeToken(value: string): string {
  if (value === "") return "%00";
  // Most names and ids need nothing: a test allocates nothing, where replace builds a new string (it runs per record).
  if (!UNSAFE.test(value)) return value;
  return value.replace(UNSAFE_ALL, (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase());
}

export function decodeToken(token: string): string {
  if (token === "%00") return "";
  return token.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Stream, consumer and bucket names allow [A-Za-z0-9_-]; other characters become '_' and a hash keeps names distinct. */
export function safeName(...parts: string[]): string {
  const joined = parts.join("_");
  const clean = joined.replace(/[^A-Za-z0-9_-]/g, "_");
  if (clean === joined && clean.length <= 64) return clean;
  const hash = createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 10);
  return `${clean.slice(0, 50)}_${hash}`;
}

export interface BusScope {
  /** Kubernetes namespace (or "local" for impulse dev). */
  namespace: string;
  /** EventBus name. */
  busName: string;
}

export function streamName(scope: BusScope): string {
  return safeName("impulse", scope.namespace, scope.busName);
}

export function subjectPrefix(scope: BusScope): string {
  return `impulse.${encodeToken(scope.namespace)}.${encodeToken(scope.busName)}`;
}

export function eventSubject(scope: BusScope, eventSourceName: string, eventName: string): string {
  return `${subjectPrefix(scope)}.${encodeToken(eventSourceName)}.${encodeToken(eventName)}`;
}

export function consumerName(scope: BusScope, durable: string): string {
  return safeName(scope.namespace, scope.busName, durable);
}

export function bucketName(scope: BusScope, bucket: string): string {
  return safeName("impulse", scope.namespace, scope.busName, bucket);
}

/** Requests to running runtimes (a Sensor's replays): core NATS, outside every stream. */
export function controlSubject(scope: BusScope, ...tokens: string[]): string {
  return [`impulse-control.${encodeToken(scope.namespace)}.${encodeToken(scope.busName)}`, ...tokens.map(encodeToken)].join(".");
}
