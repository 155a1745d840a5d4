// Handles one request for one mounted endpoint: method, auth, body, the source's hooks (hooks.ts), publish, answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCodes, isImpulseError, DEFAULT_MAX_PAYLOAD_SIZE, traceCarrierOf, type Tracing, type WebhookContext } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit, Emitted } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { checkBearer, MASKED_AUTH } from "./auth.js";
import { canonicalHeader, parseJsonBody, readBody, valuesMap } from "./body.js";
import { isCloudEventRequest, parseCloudEvent } from "./cloudevent.js";
import type { Delivery, RouteHooks } from "./hooks.js";
import { HttpError, sendJson } from "./http-error.js";
import { RequestSpan } from "./request-span.js";

export interface Route {
  eventName: string;
  /** The source type that mounted this endpoint (for messages). */
  type: string;
  config: WebhookContext;
  hooks: RouteHooks;
  /** Publishes as the route's source type. */
  emit: Emit;
  method: string;
  token: string | undefined;
  maxPayloadSize: number;
  labels: { eventsource: string; event: string };
  /** Instruments bound to this route's labels once. */
  meters: { received: { inc(): void }; publishDuration: { observe(v: number): void } } | undefined;
  headerNames: Map<string, string>;
}

export function makeRoute(
  eventSourceName: string,
  type: string,
  eventName: string,
  config: WebhookContext,
  token: string | undefined,
  hooks: RouteHooks,
  emit: Emit,
): Route {
  return {
    eventName,
    type,
    config,
    hooks,
    emit,
    method: config.method ?? "POST",
    token,
    maxPayloadSize: config.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE,
    labels: { eventsource: eventSourceName, event: eventName },
    headerNames: new Map(),
    meters: undefined,
  };
}

/** Canonical names of headers seen so far; bounded so hostile clients cannot grow it. */
const CANONICAL_CACHE_LIMIT = 512;

function headerMap(req: IncomingMessage, cache: Map<string, string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const distinct = req.headersDistinct;
  for (const name in distinct) {
    const values = distinct[name];
    if (!values) continue;
    let canonical = cache.get(name);
    if (canonical === undefined) {
      canonical = canonicalHeader(name);
      if (cache.size < CANONICAL_CACHE_LIMIT) cache.set(name, canonical);
    }
    out[canonical] = name === "authorization" ? [MASKED_AUTH] : values;
  }
  return out;
}

function isForm(req: IncomingMessage): boolean {
  return (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
}

/** Stores each part `expand` made of one delivery (in order; a resend stores each once) and answers with their ids. */
async function emitParts(
  route: Route,
  hooks: RouteHooks,
  d: Delivery,
  body: unknown,
  id: string | undefined,
  trace: Parameters<Emit>[0]["trace"],
  shape: (body: unknown) => unknown,
  res: ServerResponse,
  metrics: EventSourceMetrics,
  log: Logger,
  started: number,
  meters: NonNullable<Route["meters"]>,
): Promise<void> {
  const { parts, reason } = await hooks.expand!(body, d);
  if (parts.length === 0) {
    const why = reason ?? "nothing to store";
    metrics.filtered.inc({ ...route.labels, reason: "expand" });
    log.info({ eventName: route.eventName, reason: why }, "delivery makes no event");
    return sendJson(res, 200, { status: "filtered", reason: why });
  }
  const ids: string[] = [];
  let duplicates = 0;
  for (const p of parts) {
    const partId = id !== undefined && p.key !== undefined ? `${id}:${p.key}` : id;
    const e = await route.emit({ eventName: route.eventName, data: hooks.data ? hooks.data(p.body, d) : shape(p.body), ...(partId ? { id: partId } : {}), ...(trace ? { trace } : {}) });
    if (e) ids.push(e.id);
    if (e?.duplicate) duplicates++;
  }
  meters.publishDuration.observe((performance.now() - started) / 1000);
  sendJson(res, 200, ids.length === 0 ? { status: "filtered" } : { status: "success", eventIds: ids, ...(duplicates ? { duplicates } : {}) });
}

export async function handleRoute(
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
  metrics: EventSourceMetrics,
  log: Logger,
  busMaxPayload: () => number,
  rejected: (eventName: string, reason: string) => void = () => undefined,
  tracing?: Tracing,
): Promise<void> {
  const started = performance.now();
  // W3C trace context of the sender: continued when tracing is on, passed on unchanged when it is off.
  const incoming = req.headers["traceparent"] === undefined ? undefined : traceCarrierOf(req.headers);
  const span = tracing ? new RequestSpan(tracing, req, route.config.endpoint, incoming, res) : undefined;
  const meters = (route.meters ??= { received: metrics.received.labels(route.labels), publishDuration: metrics.publishDuration.labels(route.labels) });
  meters.received.inc();
  try {
    if (req.method !== route.method)
      throw new HttpError(405, "method_not_allowed", `method ${req.method} not allowed on ${route.config.endpoint}; use ${route.method}`, { Allow: route.method });
    if (route.token !== undefined) checkBearer(req, route.token);

    // The bus's max_payload (which the EventBus can raise) caps the body too; the envelope is checked when published.
    const busLimit = busMaxPayload();
    const raw =
      busLimit < route.maxPayloadSize
        ? await readBody(req, busLimit, `the event bus's max_payload of ${busLimit} bytes (smaller than maxPayloadSize ${route.maxPayloadSize})`)
        : await readBody(req, route.maxPayloadSize);
    const hooks = route.hooks;
    const delivery: Delivery = { method: req.method ?? "", headers: req.headers, raw, query };
    // Nothing below runs for a request the source does not authenticate.
    const verified = hooks.verify?.(delivery);
    if (verified) await verified;
    const skip = hooks.select?.(delivery);
    if (skip !== undefined) {
      metrics.filtered.inc({ ...route.labels, reason: "event_type" });
      log.info({ eventName: route.eventName, reason: skip }, "delivery skipped by the event-type filter");
      rejected(route.eventName, `filtered: ${skip}`);
      return sendJson(res, 200, { status: "filtered", reason: skip });
    }
    const answer = await hooks.answer?.(delivery);
    if (answer) return sendJson(res, answer.status, answer.body as object);

    const header = headerMap(req, route.headerNames);
    const metadata = route.config.metadata;
    const shape = (body: unknown) => {
      const data: Record<string, unknown> = { [hooks.headersField ?? "header"]: header, body };
      if (metadata) data["metadata"] = metadata;
      return data;
    };
    let emitted: Emitted | undefined;
    if (hooks.cloudEvents && isCloudEventRequest(req.headers)) {
      const ce = parseCloudEvent(req.headers, raw);
      // The header wins over the CloudEvent's own traceparent extension: it is the hop that called us.
      const trace = span ? span.start(traceCarrierOf(ce.extensions)) : incoming;
      emitted = await route.emit({ eventName: route.eventName, data: shape(ce.data), id: ce.id, ...(ce.time ? { time: ce.time } : {}), extensions: ce.extensions, ...(trace ? { trace } : {}) });
    } else {
      let body: unknown;
      if (hooks.body) body = hooks.body(delivery);
      else if (req.method === "GET" || req.method === "HEAD" || req.method === "DELETE") body = raw.length ? parseJsonBody(raw) : valuesMap(new URLSearchParams(query));
      else if (isForm(req)) body = valuesMap(new URLSearchParams(raw.toString("utf8")));
      else body = parseJsonBody(raw);
      const id = hooks.eventId?.(delivery);
      const trace = span ? span.start() : incoming;
      if (hooks.expand) return await emitParts(route, hooks, delivery, body, id, trace, shape, res, metrics, log, started, meters);
      emitted = await route.emit({ eventName: route.eventName, data: hooks.data ? hooks.data(body, delivery) : shape(body), ...(id ? { id } : {}), ...(trace ? { trace } : {}) });
    }
    meters.publishDuration.observe((performance.now() - started) / 1000);
    if (span && emitted) span.start().setAttributes({ "cloudevents.event_id": emitted.id });
    // Argo answers 200 for an event its filter dropped too; saying which lets a sender tell them apart. A duplicate
    // (a resent CloudEvent the bus already holds) is not stored again, and the answer says so.
    sendJson(
      res,
      200,
      emitted === undefined ? { status: "filtered" } : emitted.duplicate ? { status: "success", eventId: emitted.id, duplicate: true } : { status: "success", eventId: emitted.id },
    );
  } catch (e) {
    if (e instanceof HttpError) {
      metrics.failed.inc({ ...route.labels, reason: e.reason });
      log.debug({ status: e.status, err: e.message }, "webhook request rejected");
      rejected(route.eventName, `HTTP ${e.status}: ${e.message}`);
      if (!req.complete) res.setHeader("Connection", "close");
      sendJson(res, e.status, { error: e.message }, e.headers);
    } else if (isImpulseError(e) && e.code === ErrorCodes.EventTooLarge) {
      metrics.failed.inc({ ...route.labels, reason: "too_large" });
      log.debug({ err: e.message }, "webhook request rejected: event too large for the bus");
      rejected(route.eventName, `HTTP 413: ${e.message}`);
      sendJson(res, 413, { error: `${e.message}; send a smaller body, or raise the EventBus's maxPayload` });
    } else if (isImpulseError(e) && e.code === ErrorCodes.InvalidEvent) {
      metrics.failed.inc({ ...route.labels, reason: "invalid" });
      rejected(route.eventName, `HTTP 400: ${e.message}`);
      sendJson(res, 400, { error: e.message });
    } else if (isImpulseError(e) && e.code === ErrorCodes.BusUnavailable) {
      metrics.failed.inc({ ...route.labels, reason: "bus_unavailable" });
      log.warn({ err: e.message }, "event not stored: bus unavailable");
      sendJson(res, 503, { error: "event bus unavailable: the event was not stored, retry later" }, { "Retry-After": "1" });
    } else {
      metrics.failed.inc({ ...route.labels, reason: "internal" });
      log.error({ err: (e as Error).message }, "webhook request failed");
      sendJson(res, 500, { error: "internal error: the event was not stored" });
    }
  }
}
