// The HTTP server span of one webhook request (OpenTelemetry HTTP semantic conventions), started once its parent is known.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Span, TraceCarrier, Tracing } from "@impulse/api";

/**
 * The parent may come from the body (a structured CloudEvent's traceparent), read after the request started: the span
 * is created when the parent is known, with the request's start time, or when the answer is sent.
 */
export class RequestSpan {
  private span: Span | undefined;
  private ended = false;
  private readonly startTime = performance.timeOrigin + performance.now();

  constructor(
    private readonly tracing: Tracing,
    private readonly req: IncomingMessage,
    private readonly endpoint: string,
    /** The traceparent/tracestate headers of the request, if it had valid ones. */
    private readonly header: TraceCarrier | undefined,
    res: ServerResponse,
  ) {
    res.once("finish", () => this.end(res.statusCode));
    res.once("close", () => this.end(res.statusCode));
  }

  /** The server span, continuing the request's traceparent header, else `fromBody` (a CloudEvent's), else a new trace. */
  start(fromBody?: TraceCarrier): Span {
    if (this.span) return this.span;
    const req = this.req;
    const method = req.method ?? "GET";
    const encrypted = (req.socket as TLSSocket).encrypted === true;
    return (this.span = this.tracing.startSpan(`${method} ${this.endpoint}`, {
      kind: "server",
      parent: this.header ?? fromBody,
      startTime: this.startTime,
      attributes: {
        "http.request.method": method,
        "http.route": this.endpoint,
        "url.path": this.endpoint,
        "url.scheme": encrypted ? "https" : "http",
        "server.port": req.socket.localPort,
        "network.protocol.version": req.httpVersion,
        "client.address": req.socket.remoteAddress,
        "user_agent.original": req.headers["user-agent"],
      },
    }));
  }

  private end(status: number): void {
    if (this.ended) return;
    const span = this.start();
    this.ended = true;
    span.setAttributes({ "http.response.status_code": status });
    // HTTP semconv: a server span fails on 5xx only; a 4xx is the client's mistake.
    if (status >= 500) span.fail(`HTTP ${status}`, String(status));
    span.end();
  }
}
