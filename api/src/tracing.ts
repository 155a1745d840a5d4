// The tracing seam: what runtimes need from a tracer (OpenTelemetry behind it, loaded by the cli only when configured).
// Runtimes get `Tracing | undefined`: undefined means off, and every tracing branch is skipped by one check.

/** W3C Trace Context as carried in headers and in the CloudEvent Distributed Tracing extension. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

export type SpanKind = "server" | "client" | "producer" | "consumer" | "internal";

export type SpanAttributes = Record<string, string | number | boolean | string[] | undefined>;

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: SpanAttributes;
  /** The parent: a span of this process, or a context that came in from elsewhere (header, event). None: a new trace. */
  parent?: Span | TraceCarrier | undefined;
  /** Other traces this span belongs to (a firing that several events completed links to each of them). */
  links?: TraceCarrier[];
  /** When the work began, in ms since the epoch (fractions allowed), if before the span is started. */
  startTime?: number;
}

export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  /** This span's context as W3C headers, for what is sent on (bus envelope, target headers). */
  carrier(): TraceCarrier;
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span failed (status ERROR) with a short text; error.type names the class of error. */
  fail(message: string, errorType?: string): void;
  end(): void;
}

export interface Tracing {
  startSpan(name: string, options?: SpanOptions): Span;
}

/** Fields that pino lines about a span carry (the OpenTelemetry names for logs: trace_id, span_id). */
export function logFields(span: Span | undefined): { trace_id?: string; span_id?: string } {
  return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** A valid W3C traceparent (version 00, or a later one as the spec says to read it), or undefined. */
export function validTraceparent(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const s = v.trim().toLowerCase();
  const m = TRACEPARENT.exec(s);
  if (!m || m[1] === "ff" || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return undefined;
  if (m[1] === "00" && m[5] !== undefined) return undefined;
  return s;
}

/** tracestate is opaque to us: kept when short and free of control characters (W3C allows 512+ bytes; we keep 512). */
function validTracestate(v: unknown): string | undefined {
  if (typeof v !== "string" || v.length === 0 || v.length > 512 || /[\u0000-\u001f\u007f]/.test(v)) return undefined;
  return v;
}

/** The trace context of a header map or a CloudEvent's extension attributes (traceparent, tracestate), if valid. */
export function traceCarrierOf(source: Record<string, unknown> | undefined): TraceCarrier | undefined {
  if (!source) return undefined;
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const traceparent = validTraceparent(first(source["traceparent"]));
  if (!traceparent) return undefined;
  const tracestate = validTracestate(first(source["tracestate"]));
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The headers (or attributes) that carry a trace context: traceparent, and tracestate when there is one. */
export function traceHeaders(c: TraceCarrier | undefined): Record<string, string> {
  if (!c) return {};
  return c.tracestate ? { traceparent: c.traceparent, tracestate: c.tracestate } : { traceparent: c.traceparent };
}
