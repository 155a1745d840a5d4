// The read/act HTTP API over one EventBus's journal (docs/api.md): list, get, tail (server-sent events), send, replay, redrive.
import { ErrorCodes, errorMessage, isImpulseError } from "@impulse/api";
import { queryFilter, redriveFirings, replayEvents, type JournalClient } from "@impulse/bus";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Access, Authorizer } from "./auth.js";
import { BadRequest, parseQuery, parseRedrive, parseReplay, parseSend } from "./params.js";

export interface ApiOptions {
  journal: JournalClient;
  /** Absent: no authentication (impulse dev, on 127.0.0.1 only). */
  authorize?: Authorizer;
  /** Seconds between SSE keep-alive comments (default 15). */
  heartbeatSeconds?: number;
}

const READ_LIST: Access = { verb: "list", resources: ["sensors", "eventsources"] };
const READ_ONE: Access = { verb: "get", resources: ["sensors", "eventsources"] };
/** Sending acts as an EventSource; replaying and redriving make a Sensor fire. */
const SEND: Access = { verb: "update", resources: ["eventsources"] };
const FIRE: Access = { verb: "update", resources: ["sensors"] };

export const STREAM_FILTERS = ["source", "event", "sensor", "trigger", "outcome"];

/** The HTTP status of an error: 4xx for what the caller can fix, 503 only when the bus (or the auth backend) is down. */
export function statusOf(e: unknown, busConnected: boolean): { status: number; body: { error: { code: string; message: string; field?: string } } } {
  if (e instanceof BadRequest) return { status: 400, body: { error: { code: "BAD_REQUEST", field: e.field, message: e.message } } };
  const parseFailed = (e as { type?: string }).type === "entity.parse.failed";
  if (parseFailed) return { status: 400, body: { error: { code: "BAD_REQUEST", field: "body", message: `body: not JSON: ${errorMessage(e)}` } } };
  if ((e as { type?: string }).type === "entity.too.large") return { status: 413, body: { error: { code: "TOO_LARGE", field: "body", message: "body: larger than 1 MiB" } } };
  if (isImpulseError(e)) {
    const status =
      e.code === ErrorCodes.InvalidSpec || e.code === ErrorCodes.InvalidEvent
        ? 400
        : e.code === ErrorCodes.NotFound || e.code === ErrorCodes.JournalUnavailable
          ? 404
          : e.code === ErrorCodes.BusUnavailable
            ? 503
            : 500;
    return { status, body: { error: { code: e.code, message: e.message } } };
  }
  if (!busConnected) return { status: 503, body: { error: { code: ErrorCodes.BusUnavailable, message: `the event bus is not reachable: ${errorMessage(e)}` } } };
  return { status: 500, body: { error: { code: "INTERNAL", message: errorMessage(e) } } };
}

export function createApiApp(o: ApiOptions): express.Express {
  const { journal } = o;
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "1mb" }));

  const need =
    (access: Access): RequestHandler =>
    async (req, res, next) => {
      if (!o.authorize) return next();
      let d;
      try {
        d = await o.authorize(req.headers.authorization, access);
      } catch (e) {
        res.status(503).json({ error: { code: "AUTH_UNAVAILABLE", message: `could not check the caller with the Kubernetes API: ${errorMessage(e)}` } });
        return;
      }
      if (d.ok) return next();
      if (d.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="impulse"');
      res.status(d.status).json({ error: { code: d.status === 401 ? "UNAUTHENTICATED" : "FORBIDDEN", message: d.message } });
    };

  // Liveness of the process and whether the bus is reachable now (the readiness probe).
  app.get("/healthz", (_req, res) => void res.json({ ok: true }));
  app.get("/readyz", (_req, res) => void res.status(journal.connected ? 200 : 503).json({ ok: journal.connected }));

  app.get("/api/v1/journal", need(READ_LIST), async (_req, res) => void res.json(await journal.info()));
  app.get("/api/v1/events", need(READ_LIST), async (req, res) => void res.json(await journal.list(parseQuery(req.query))));
  app.get("/api/v1/firings", need(READ_LIST), async (req, res) => void res.json(await journal.list({ ...parseQuery(req.query), firings: true })));
  app.get("/api/v1/events/stream", need(READ_LIST), (req, res) => stream(req, res, journal, o.heartbeatSeconds ?? 15));
  app.get("/api/v1/events/:id", need(READ_ONE), async (req, res) => void res.json(await journal.get(String(req.params["id"]))));
  app.post("/api/v1/events", need(SEND), async (req, res) => void res.status(201).json(await journal.send(parseSend(req.body))));
  app.post("/api/v1/replays", need(FIRE), (req, res) => withProgress(req, res, (onProgress) => replayEvents(journal, { ...parseReplay(req.body), onProgress })));
  app.post("/api/v1/redrives", need(FIRE), (req, res) => withProgress(req, res, (onProgress) => redriveFirings(journal, { ...parseRedrive(req.body), onProgress })));
  app.use("/api", (req, res) => void res.status(404).json({ error: { code: ErrorCodes.NotFound, message: `no route ${req.method} ${req.originalUrl}` } }));

  app.use((e: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(e);
    const { status, body } = statusOf(e, journal.connected);
    res.status(status).json(body);
  });
  return app;
}

/**
 * A replay or redrive answers with its result; asked with `Accept: text/event-stream` it streams `progress`
 * ({done, total}) while it runs and then `result` (or `error`), so a console can show a bar for a large range.
 * Bad input is still a JSON 4xx: the body is checked before the stream starts.
 */
async function withProgress(req: Request, res: Response, run: (onProgress?: (done: number, total: number) => void) => Promise<unknown>): Promise<void> {
  if (!/text\/event-stream/.test(req.headers.accept ?? "")) {
    res.json(await run());
    return;
  }
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  };
  try {
    const result = await run((done, total) => {
      start();
      res.write(`event: progress\ndata: ${JSON.stringify({ done, total })}\n\n`);
    });
    start();
    res.write(`event: result\ndata: ${JSON.stringify(result)}\n\n`);
    res.end();
  } catch (e) {
    if (!started) throw e; // not begun: the usual JSON error
    const { body } = statusOf(e, true);
    res.write(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
    res.end();
  }
}

/** Server-sent events: `ready` once followed, then one `record` per journal record (id: its journal sequence). */
async function stream(req: Request, res: Response, journal: JournalClient, heartbeatSeconds: number): Promise<void> {
  const filter = queryFilter(parseQuery(req.query, STREAM_FILTERS));
  await journal.info(); // no journal: a JSON 404 rather than an empty stream
  const abort = new AbortController();
  req.on("close", () => abort.abort());
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  const beat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatSeconds * 1000);
  try {
    for await (const r of journal.tail(filter, abort.signal, () => res.write("event: ready\ndata: {}\n\n"))) res.write(`event: record\nid: ${r.seq}\ndata: ${JSON.stringify(r)}\n\n`);
  } catch (e) {
    if (!abort.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify({ error: { code: isImpulseError(e) ? e.code : ErrorCodes.BusUnavailable, message: errorMessage(e) } })}\n\n`);
  } finally {
    clearInterval(beat);
    res.end();
  }
}
