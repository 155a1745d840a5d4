// Starts a real OpenTelemetry Collector (tools/otelcol/install.sh) on a free loopback port: OTLP/HTTP in, re-exported as OTLP/JSON to a receiver here.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { freePort, stopProcess } from "@impulse/bus";
import { request } from "undici";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

export const OTELCOL_VERSION = "v0.165.0";

export function otelcolBinary(): string {
  return join(process.env["IMPULSE_INFRA_CACHE"] ?? join(homedir(), ".cache", "impulse-infra"), `otelcol-${OTELCOL_VERSION}`, "bin", "otelcol");
}

/** One span as the collector exported it, with its service and attributes flattened. */
export interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: number;
}

export interface OtelCollector {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP). */
  endpoint: string;
  /** Every span received so far. */
  spans(): ExportedSpan[];
  pid: number | undefined;
  stop(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
type OtlpAttribute = { key: string; value: OtlpValue };

function valueOf(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

const attrs = (list: OtlpAttribute[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number; attributes?: OtlpAttribute[]; links?: { traceId: string; spanId: string }[]; status?: { code?: number } }[];
    }[];
  }[];
}

/** What the collector's otlphttp exporter posts (OTLP/JSON: ids are hex strings). */
function parseExport(body: string): ExportedSpan[] {
  const out: ExportedSpan[] = [];
  for (const rs of (JSON.parse(body) as OtlpExport).resourceSpans ?? []) {
    const service = String(attrs(rs.resource?.attributes)["service.name"] ?? "");
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? [])
        out.push({
          service,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? "",
          name: s.name,
          kind: s.kind ?? 0,
          attributes: attrs(s.attributes),
          links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
          status: s.status?.code ?? 0,
        });
  }
  return out;
}

export async function startOtelCollector(): Promise<OtelCollector> {
  stopServersOnKill();
  const binary = process.env["OTELCOL_BIN"] ?? otelcolBinary();
  if (!existsSync(binary)) throw new Error(`otelcol not found at ${binary}: run \`bash tools/otelcol/install.sh\` (npm test does this)`);
  const spans: ExportedSpan[] = [];
  // Where the collector sends what it received: the suite reads the spans from here.
  const sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        spans.push(...parseExport(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch (e) {
        res.writeHead(400).end(String(e));
      }
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const sinkPort = (sink.address() as AddressInfo).port;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "impulse-otelcol-"));
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      "receivers:",
      "  otlp:",
      "    protocols:",
      "      http:",
      `        endpoint: 127.0.0.1:${port}`,
      "exporters:",
      "  otlphttp:",
      `    endpoint: http://127.0.0.1:${sinkPort}`,
      "    encoding: json",
      "    compression: none",
      "service:",
      "  telemetry:",
      // Its own metrics would listen on a fixed port (8888): off.
      "    metrics:",
      "      level: none",
      "    logs:",
      "      level: warn",
      "  pipelines:",
      "    traces:",
      "      receivers: [otlp]",
      "      exporters: [otlphttp]",
      "",
    ].join("\n"),
  );
  const server = spawnServer(binary, ["--config", config]);
  const proc = server.proc;
  const stop = async () => {
    await stopProcess(proc);
    await new Promise((r) => (sink.closeAllConnections(), sink.close(r)));
    rmSync(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await untilReady("otelcol", server, async () => {
      // An empty export is a valid request: 200 once the receiver listens.
      const r = await request(`${endpoint}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      await r.body.dump();
      return r.statusCode === 200;
    }, { timeoutMs: 60_000 });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    endpoint,
    spans: () => [...spans],
    get pid() {
      return proc.pid;
    },
    stop,
  };
}
