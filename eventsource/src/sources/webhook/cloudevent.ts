// Recognises an incoming CloudEvent (binary or structured HTTP mode) so its id and extensions are kept.
import type { IncomingHttpHeaders } from "node:http";
import { HTTP, type CloudEventV1 } from "cloudevents";
import { checkAttributes } from "./ce-attributes.js";
import { HttpError } from "./http-error.js";
import { checkJsonDepth } from "./json-depth.js";

export function isCloudEventRequest(headers: IncomingHttpHeaders): boolean {
  const ct = headers["content-type"] ?? "";
  return headers["ce-specversion"] !== undefined || ct.startsWith("application/cloudevents");
}

export interface IngestedCloudEvent {
  id: string;
  time?: string;
  data: unknown;
  extensions: Record<string, unknown>;
}

const invalid = (message: string) => new HttpError(400, "invalid", `invalid CloudEvent: ${message}`);

/** The attributes as sent: `ce-*` headers in binary mode, the JSON document's members in structured mode. */
function rawAttributes(headers: IncomingHttpHeaders, raw: Buffer): Record<string, unknown> {
  if (headers["ce-specversion"] !== undefined) {
    const attrs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(headers)) if (name.startsWith("ce-")) attrs[name.slice(3)] = value;
    return attrs;
  }
  checkJsonDepth(raw);
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    throw invalid(`body is not valid JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw invalid("a structured-mode body must be a JSON object");
  return doc as Record<string, unknown>;
}

const CORE = new Set(["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data", "data_base64"]);

export function parseCloudEvent(headers: IncomingHttpHeaders, raw: Buffer): IngestedCloudEvent {
  if ((headers["content-type"] ?? "").startsWith("application/cloudevents-batch"))
    throw new HttpError(415, "invalid", "CloudEvents batch mode is not supported; send one event per request");
  // The SDK fills in a missing id or time and lets any specversion through: the attributes as sent are checked first.
  const attrs = rawAttributes(headers, raw);
  const problem = checkAttributes(attrs);
  if (problem) throw invalid(problem);
  if (headers["ce-specversion"] !== undefined && String(headers["content-type"] ?? "application/json").includes("json")) checkJsonDepth(raw);
  let ce: CloudEventV1<unknown>;
  try {
    const parsed = HTTP.toEvent({ headers: headers as Record<string, string>, body: raw.toString("utf8") });
    ce = (Array.isArray(parsed) ? parsed[0] : parsed) as CloudEventV1<unknown>;
    // The SDK's own rules: extension attribute names, URI-references, ...
    (ce as unknown as { validate(): boolean }).validate();
  } catch (e) {
    throw invalid((e as Error).message);
  }
  let data: unknown = ce.data ?? (ce.data_base64 !== undefined ? ce.data_base64 : null);
  if (typeof data === "string" && (ce.datacontenttype ?? "application/json").includes("json")) {
    // JSON text inside a JSON string: its nesting was invisible to the check on the body.
    checkJsonDepth(Buffer.from(data));
    try {
      data = JSON.parse(data);
    } catch {
      /* a JSON string value stays a string */
    }
  }
  if (data instanceof Uint8Array) data = Buffer.from(data).toString("base64");
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ce)) if (!CORE.has(k) && v !== undefined) extensions[k] = v;
  // The sender's own attributes stay visible; source/subject/type are Impulse's routing keys.
  extensions["cesource"] = ce.source;
  extensions["cetype"] = ce.type;
  if (ce.subject) extensions["cesubject"] = ce.subject;
  // The sender's time as sent (checked above): the SDK would replace an absent one with its own clock.
  const time = typeof attrs["time"] === "string" ? attrs["time"] : undefined;
  return { id: ce.id, ...(time ? { time } : {}), data, extensions };
}
