// Recognises an incoming CloudEvent (binary or structured HTTP mode) so its id and extensions are kept.
import type { IncomingHttpHeaders } from "node:http";
import { HTTP, type CloudEventV1 } from "cloudevents";
import { HttpError } from "./http-error.js";

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

const REQUIRED = ["specversion", "id", "source", "type"] as const;

/** The SDK fills in a missing id; an ingested event without its own id, source or type is invalid instead. */
function requireAttributes(headers: IncomingHttpHeaders, raw: Buffer): void {
  let present: (name: string) => boolean;
  if (headers["ce-specversion"] !== undefined) present = (n) => typeof headers[`ce-${n}`] === "string" && headers[`ce-${n}`] !== "";
  else {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new HttpError(400, "invalid", `invalid CloudEvent: body is not valid JSON: ${(e as Error).message}`);
    }
    present = (n) => typeof doc?.[n] === "string" && doc[n] !== "";
  }
  const missing = REQUIRED.filter((n) => !present(n));
  if (missing.length) throw new HttpError(400, "invalid", `invalid CloudEvent: missing required attribute(s) ${missing.join(", ")}`);
}

const CORE = new Set(["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data", "data_base64"]);

export function parseCloudEvent(headers: IncomingHttpHeaders, raw: Buffer): IngestedCloudEvent {
  if ((headers["content-type"] ?? "").startsWith("application/cloudevents-batch"))
    throw new HttpError(415, "invalid", "CloudEvents batch mode is not supported; send one event per request");
  requireAttributes(headers, raw);
  let ce: CloudEventV1<unknown>;
  try {
    const parsed = HTTP.toEvent({ headers: headers as Record<string, string>, body: raw.toString("utf8") });
    ce = (Array.isArray(parsed) ? parsed[0] : parsed) as CloudEventV1<unknown>;
  } catch (e) {
    throw new HttpError(400, "invalid", `invalid CloudEvent: ${(e as Error).message}`);
  }
  let data: unknown = ce.data ?? (ce.data_base64 !== undefined ? ce.data_base64 : null);
  if (typeof data === "string" && (ce.datacontenttype ?? "application/json").includes("json")) {
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
  return { id: ce.id, ...(ce.time ? { time: ce.time } : {}), data, extensions };
}
