// Checks an incoming CloudEvent's attributes as sent, naming the attribute (the SDK accepts any specversion and drops a bad time).
const REQUIRED = ["specversion", "id", "source", "type"] as const;
/** Attributes that end up in logs, subjects of other systems and HTTP headers (ce-id on an HTTP trigger). */
const NO_CONTROL = ["id", "source", "type", "subject"] as const;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** RFC 3339 date-time, as CloudEvents 1.0 requires for `time`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** RFC 4648 base64 with padding, as CloudEvents' JSON format requires for `data_base64`. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Returns what is wrong with the attributes (naming the attribute), or undefined when they are valid CloudEvents 1.0. */
export function checkAttributes(attrs: Record<string, unknown>): string | undefined {
  const missing = REQUIRED.filter((n) => typeof attrs[n] !== "string" || attrs[n] === "");
  if (missing.length) return `missing required attribute(s) ${missing.join(", ")}`;
  if (attrs["specversion"] !== "1.0")
    return `specversion ${JSON.stringify(attrs["specversion"])} is not supported: send CloudEvents 1.0 (specversion "1.0")`;
  for (const n of NO_CONTROL) {
    const v = attrs[n];
    if (v !== undefined && typeof v !== "string") return `attribute ${n} must be a string`;
    if (typeof v === "string" && CONTROL.test(v)) return `attribute ${n} must not contain control characters (CR, LF, ...)`;
  }
  const time = attrs["time"];
  if (time !== undefined && (typeof time !== "string" || !RFC3339.test(time) || Number.isNaN(Date.parse(time))))
    return `attribute time ${JSON.stringify(time)} is not an RFC 3339 timestamp (e.g. 2026-01-31T12:00:00Z)`;
  const b64 = attrs["data_base64"];
  if (b64 !== undefined) {
    if (attrs["data"] !== undefined) return "attributes data and data_base64 are both set: send one";
    if (typeof b64 !== "string" || !BASE64.test(b64)) return "attribute data_base64 is not valid base64 (RFC 4648, padded)";
  }
  const ct = attrs["datacontenttype"];
  if (ct !== undefined && typeof ct !== "string") return "attribute datacontenttype must be a string";
  for (const [name, v] of Object.entries(attrs)) {
    if (name === "data" || v === null) continue;
    if (typeof v === "object") return `attribute ${name} must be a string, number or boolean`;
  }
  return undefined;
}
