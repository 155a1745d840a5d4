// Reads a request body within maxPayloadSize and turns it into Argo's data.body (JSON, form map or query map).
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";
import { checkJsonDepth } from "./json-depth.js";

/** `limitName` says which limit applies (maxPayloadSize, or the bus's max_payload when that is smaller). */
export function readBody(req: IncomingMessage, limit: number, limitName = `maxPayloadSize ${limit}`): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, "too_large", `body of ${declared} bytes exceeds ${limitName}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, "too_large", `body exceeds ${limitName}`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => failed || resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", (e) => failed || reject(new HttpError(400, "invalid", `could not read body: ${e.message}`)));
  });
}

/** {key: [values]} as Go's url.Values marshals. */
export function valuesMap(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of params) (out[k] ??= []).push(v);
  return out;
}

export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) throw new HttpError(400, "invalid", "empty body: send a JSON document");
  checkJsonDepth(raw);
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (e) {
    throw new HttpError(400, "invalid", `body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Go's http.CanonicalHeaderKey: content-type → Content-Type. */
export function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}
