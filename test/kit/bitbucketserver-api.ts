// A local Bitbucket Server (Data Center) REST server for hook registration, written from Atlassian's REST reference
// (repository webhooks, project repositories, a commit's pull requests, paged APIs, HTTP access tokens): the requests
// Impulse makes, checked. Optionally served over TLS, with a client certificate required (mutual TLS).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface StoredBbsHook {
  id: number;
  name: string;
  url: string;
  active: boolean;
  events: string[];
  configuration: { secret?: string };
}

export interface BitbucketServerApiServer {
  /** The REST root, as bitbucketserverBaseURL (…/rest). */
  url: string;
  /** Hooks by "PROJECT/slug". */
  hooks: Map<string, StoredBbsHook[]>;
  /** Pull requests whose source branch holds a commit, by "PROJECT/slug/commitId" (GET …/commits/{commitId}/pull-requests). */
  pullRequests: Map<string, { id: number; state: "OPEN" | "MERGED" | "DECLINED" }[]>;
  requests: { method: string; path: string; status: number }[];
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

const error = (message: string, context?: string) => ({ errors: [{ context: context ?? null, message, exceptionName: null }] });
function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, { "Content-Type": "application/json;charset=UTF-8" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
/** A page of a paged API (limit, start → values, isLastPage, nextPageStart). */
function page<T>(url: URL, all: T[]) {
  const limit = Math.min(Number(url.searchParams.get("limit") ?? 25), 1000);
  const start = Number(url.searchParams.get("start") ?? 0);
  const values = all.slice(start, start + limit);
  const isLastPage = start + limit >= all.length;
  return { size: values.length, limit, start, isLastPage, values, ...(isLastPage ? {} : { nextPageStart: start + limit }) };
}
/** The secret is write-only in our server's answers, as the conservative reading of the docs. */
const shown = (h: StoredBbsHook) => ({ ...h, configuration: {}, createdDate: 0, updatedDate: 0 });

export interface BbsTls {
  cert: string;
  key: string;
  /** When set, a client certificate signed by this CA is required. */
  clientCa?: string;
}

export async function startBitbucketServerApi(o: { tokens: string[]; repositories: string[]; tls?: BbsTls }): Promise<BitbucketServerApiServer> {
  const hooks = new Map<string, StoredBbsHook[]>();
  const pullRequests: BitbucketServerApiServer["pullRequests"] = new Map();
  const requests: BitbucketServerApiServer["requests"] = [];
  let failing = 0;
  let failStatus = 500;
  let nextId = 10;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): number => {
    const url = new URL(req.url ?? "/", "http://x");
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || !o.tokens.includes(token)) return send(res, 401, error("Authentication failed. Please check your credentials and try again.")), 401;
    const repos = /^\/rest\/api\/1\.0\/projects\/([^/]+)\/repos$/.exec(url.pathname);
    if (repos && req.method === "GET") {
      const key = decodeURIComponent(repos[1]!);
      const slugs = o.repositories.filter((r) => r.startsWith(`${key}/`));
      if (!slugs.length) return send(res, 404, error(`Project ${key} does not exist.`)), 404;
      return send(res, 200, page(url, slugs.map((r) => ({ slug: r.split("/")[1], project: { key } })))), 200;
    }
    // "Get pull requests for commit": the pull requests whose source branch contains the commit (paged, any state).
    const prs = /^\/rest\/api\/1\.0\/projects\/([^/]+)\/repos\/([^/]+)\/commits\/([^/]+)\/pull-requests$/.exec(url.pathname);
    if (prs && req.method === "GET") {
      const repo = `${decodeURIComponent(prs[1]!)}/${decodeURIComponent(prs[2]!)}`;
      if (!o.repositories.includes(repo)) return send(res, 404, error(`Repository ${repo} does not exist.`)), 404;
      if (failing > 0) {
        failing--;
        return send(res, failStatus, error("Internal server error")), failStatus;
      }
      const list = pullRequests.get(`${repo}/${decodeURIComponent(prs[3]!)}`) ?? [];
      const full = list.map((p) => ({ id: p.id, version: 0, title: `PR ${p.id}`, state: p.state, open: p.state === "OPEN", closed: p.state !== "OPEN", locked: false }));
      return send(res, 200, page(url, full)), 200;
    }
    const m = /^\/rest\/api\/1\.0\/projects\/([^/]+)\/repos\/([^/]+)\/webhooks(?:\/(\d+))?$/.exec(url.pathname);
    if (!m) return send(res, 404, error("Not found")), 404;
    const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    if (!o.repositories.includes(key)) return send(res, 404, error(`Repository ${key} does not exist.`)), 404;
    if (failing > 0) {
      failing--;
      return send(res, failStatus, error("Internal server error")), failStatus;
    }
    const list = hooks.get(key) ?? [];
    hooks.set(key, list);
    const id = m[3] ? Number(m[3]) : undefined;
    const hook = id === undefined ? undefined : list.find((h) => h.id === id);
    if (id !== undefined && !hook) return send(res, 404, error(`No webhook with id ${id} exists.`)), 404;
    if (req.method === "GET" && id === undefined) return send(res, 200, page(url, list.map(shown))), 200;
    let body: Partial<StoredBbsHook>;
    try {
      body = raw ? (JSON.parse(raw) as Partial<StoredBbsHook>) : {};
    } catch {
      return send(res, 400, error("Invalid JSON")), 400;
    }
    if (req.method === "POST" || req.method === "PUT") {
      if (!body.url) return send(res, 400, error("The URL must be a valid URL.", "url")), 400;
      if (!body.events?.length) return send(res, 400, error("At least one event must be specified.", "events")), 400;
      if (!body.name) return send(res, 400, error("A name is required.", "name")), 400;
      if (body.configuration?.secret === "") return send(res, 500, error("Secret must not be empty")), 500;
    }
    if (req.method === "POST" && id === undefined) {
      const created: StoredBbsHook = { id: nextId++, name: body.name!, url: body.url!, active: body.active ?? true, events: body.events!, configuration: body.configuration ?? {} };
      list.push(created);
      return send(res, 201, shown(created)), 201;
    }
    if (req.method === "PUT" && hook) {
      Object.assign(hook, { name: body.name, url: body.url, active: body.active ?? hook.active, events: body.events, configuration: body.configuration ?? hook.configuration });
      return send(res, 200, shown(hook)), 200;
    }
    if (req.method === "DELETE" && hook) {
      list.splice(list.indexOf(hook), 1);
      return send(res, 204), 204;
    }
    return send(res, 405, error("Method not allowed")), 405;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = handle(req, res, Buffer.concat(chunks).toString("utf8"));
      requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0]!, status });
    });
  };
  const server = o.tls
    ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key, ...(o.tls.clientCa ? { ca: o.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}) }, onRequest)
    : createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `${o.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}/rest`,
    hooks,
    pullRequests,
    requests,
    failNext(n, status) {
      failing = n;
      failStatus = status;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
