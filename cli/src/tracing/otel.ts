// The Tracing seam on the OpenTelemetry JS SDK: loaded (import()) only when tracing is on, configured by OTEL_* only.
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span as OtelSpan } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { Span, SpanAttributes, SpanKind as Kind, SpanOptions, TraceCarrier, Tracing } from "@impulse/api";
import { serviceNamed } from "./enabled.js";

/** The CloudEvent extension and the targets' headers are W3C Trace Context whatever OTEL_PROPAGATORS says. */
const w3c = new W3CTraceContextPropagator();

const KINDS: Record<Kind, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

function attributes(a: SpanAttributes | undefined): Attributes {
  const out: Attributes = {};
  for (const k in a) if (a[k] !== undefined) out[k] = a[k];
  return out;
}

class OtelSpanHandle implements Span {
  readonly traceId: string;
  readonly spanId: string;
  constructor(readonly inner: OtelSpan) {
    const c = inner.spanContext();
    this.traceId = c.traceId;
    this.spanId = c.spanId;
  }
  carrier(): TraceCarrier {
    const out: Record<string, string> = {};
    w3c.inject(trace.setSpan(ROOT_CONTEXT, this.inner), out, defaultTextMapSetter);
    return out as unknown as TraceCarrier;
  }
  setAttributes(a: SpanAttributes): void {
    this.inner.setAttributes(attributes(a));
  }
  fail(message: string, errorType?: string): void {
    this.inner.setStatus({ code: SpanStatusCode.ERROR, message });
    if (errorType) this.inner.setAttribute("error.type", errorType);
  }
  end(): void {
    this.inner.end();
  }
}

function contextOf(parent: SpanOptions["parent"]): Context {
  if (!parent) return ROOT_CONTEXT;
  if (parent instanceof OtelSpanHandle) return trace.setSpan(ROOT_CONTEXT, parent.inner);
  return w3c.extract(ROOT_CONTEXT, parent as TraceCarrier, defaultTextMapGetter);
}

function linksOf(carriers: TraceCarrier[] | undefined): Link[] {
  const links: Link[] = [];
  for (const c of carriers ?? []) {
    const context = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, c, defaultTextMapGetter));
    if (context) links.push({ context });
  }
  return links;
}

export interface StartedTracing {
  tracing: Tracing;
  /** Exports what is still buffered, then stops (bounded by the exporter's timeout). */
  shutdown(): Promise<void>;
}

/**
 * Starts the SDK from the environment: exporter (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_*), sampler
 * (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG), resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES), batching
 * (OTEL_BSP_*). Traces only: metrics stay on Prometheus /metrics and logs on stdout, so neither is exported here.
 */
export function startTracing(env: NodeJS.ProcessEnv, defaultServiceName: string, version: string): StartedTracing {
  const sdk = new NodeSDK({
    ...(serviceNamed(env) ? {} : { serviceName: defaultServiceName }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  const tracer = trace.getTracer("impulse", version);
  return {
    tracing: {
      startSpan(name, o = {}) {
        const links = linksOf(o.links);
        return new OtelSpanHandle(
          tracer.startSpan(
            name,
            { kind: KINDS[o.kind ?? "internal"], attributes: attributes(o.attributes), ...(links.length ? { links } : {}), ...(o.startTime !== undefined ? { startTime: o.startTime } : {}) },
            contextOf(o.parent),
          ),
        );
      },
    },
    shutdown: () => sdk.shutdown(),
  };
}
