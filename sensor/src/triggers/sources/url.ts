// source.url: the object fetched with an HTTP GET at each firing, under the egress policy; certificates checked unless verifyCert: false.
import { createHash } from "node:crypto";
import { ErrorCodes, ImpulseError, redactUrl } from "@impulse/api";
import { Pool } from "undici";
import { egressGuard, pinnedLookup } from "../../egress/guard.js";
import { compileEgress } from "../../egress/policy.js";
import { defineSource } from "./define.js";
import { MAX_SOURCE_BYTES } from "./file.js";

const TIMEOUT_MS = 30_000;

export const url = defineSource({
  kind: "url",
  create(ctx) {
    const guard = egressGuard(compileEgress(ctx.egress));
    // One pool for the last origin, address and TLS settings: a trigger's source URL is fixed, so this is reused at every firing.
    let current: { key: string; pool: Pool } | undefined;
    ctx.signal.addEventListener("abort", () => void current?.pool.destroy().catch(() => undefined), { once: true });
    const poolFor = (origin: string, address: string, family: 4 | 6, tls: { ca?: string; verify: boolean }): Pool => {
      const key = createHash("sha256").update(JSON.stringify([origin, address, tls])).digest("hex");
      if (current?.key === key) return current.pool;
      void current?.pool.close().catch(() => undefined);
      const pool = new Pool(origin, { connect: { lookup: pinnedLookup(address, family), rejectUnauthorized: tls.verify, ...(tls.ca ? { ca: tls.ca } : {}) } });
      current = { key, pool };
      return pool;
    };
    return {
      async read(config) {
        const at = `${ctx.at}.url.path`;
        const target = new URL(config.path);
        // The source URL is the Sensor's own, never an event's: it counts as configured (internal hosts allowed, metadata not).
        const checked = await guard(target, true).catch((e: ImpulseError) => {
          throw new ImpulseError(e.code, `${at}: ${e.message}`, { retryable: e.retryable, cause: e });
        });
        const verify = config.verifyCert !== false;
        const ca = verify && config.caCertSecret ? await ctx.secrets(config.caCertSecret) : undefined;
        const pool = poolFor(target.origin, checked.address, checked.family, { verify, ...(ca ? { ca } : {}) });
        let res;
        try {
          res = await pool.request({ path: target.pathname + target.search, method: "GET", headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS, signal: ctx.signal });
        } catch (e) {
          throw new ImpulseError(ErrorCodes.TriggerFailed, `${at}: GET ${redactUrl(config.path)}: ${redactUrl((e as Error).message)}`, { retryable: true, cause: e });
        }
        if (res.statusCode !== 200) {
          const body = (await res.body.text().catch(() => "")).slice(0, 200);
          const where = res.statusCode >= 300 && res.statusCode < 400 ? ` (redirects are not followed: set path to ${res.headers["location"] ?? "the final URL"})` : "";
          throw new ImpulseError(ErrorCodes.TriggerFailed, `${at}: GET ${redactUrl(config.path)} answered ${res.statusCode}${where}${body ? `: ${body}` : ""}`, {
            retryable: res.statusCode === 408 || res.statusCode === 429 || res.statusCode >= 500,
          });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_SOURCE_BYTES) {
            res.body.destroy();
            throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: ${redactUrl(config.path)} is larger than the ${MAX_SOURCE_BYTES} bytes a source may have`);
          }
          chunks.push(chunk);
        }
        return { text: Buffer.concat(chunks).toString("utf8"), where: `${at} ${redactUrl(config.path)}` };
      },
    };
  },
});
