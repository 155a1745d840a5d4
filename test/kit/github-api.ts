// A local GitHub REST server for hook registration, written from docs.github.com/rest/webhooks (repo and org hooks)
// and docs.github.com/rest/apps (installation access tokens): the requests Impulse makes, with GitHub's auth checks.
import { createPublicKey, verify as verifySignature, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StoredHook {
  id: number;
  name: "web";
  active: boolean;
  events: string[];
  config: { url: string; content_type: string; insecure_ssl: string; secret?: string };
}

export interface GithubApiServer {
  /** Base URL, as githubBaseURL (GitHub Enterprise style: .../api/v3/). */
  url: string;
  /** Hooks by "owner/repo" or "org:<name>"; pre-fill to test adopting or updating an existing hook. */
  hooks: Map<string, StoredHook[]>;
  /** Every request: method, path and whether it was authorized. */
  requests: { method: string; path: string; status: number }[];
  /** Answers the next `n` hook requests with `status` (a GitHub outage). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export interface GithubApiOptions {
  /** Personal access tokens accepted (Authorization: Bearer or token). */
  tokens: string[];
  /** Repositories ("owner/repo") and organizations that exist; others are 404. */
  repositories: string[];
  organizations?: string[];
  /** A GitHub App: JWTs signed by this key with iss=appId get installation tokens for installationId. */
  app?: { appId: number; installationId: number; publicKeyPem: string };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

/** What GitHub shows of a hook: the secret is never returned (only a mask when set). */
const shown = (h: StoredHook) => ({ type: "Repository", ...h, config: { ...h.config, ...(h.config.secret ? { secret: "********" } : {}) } });

function verifyJwt(jwt: string, key: KeyObject, appId: number): boolean {
  const [head, body, sig] = jwt.split(".");
  if (!head || !body || !sig) return false;
  if (!verifySignature("RSA-SHA256", Buffer.from(`${head}.${body}`), key, Buffer.from(sig, "base64url"))) return false;
  const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as { iss?: string | number; exp?: number; iat?: number };
  const now = Date.now() / 1000;
  // GitHub: iss is the App id, exp at most 10 minutes ahead and in the future.
  return String(claims.iss) === String(appId) && typeof claims.exp === "number" && claims.exp > now && claims.exp - now <= 600;
}

export async function startGithubApi(o: GithubApiOptions): Promise<GithubApiServer> {
  const hooks = new Map<string, StoredHook[]>();
  const requests: GithubApiServer["requests"] = [];
  const tokens = new Set(o.tokens);
  const appKey = o.app ? createPublicKey(o.app.publicKeyPem) : undefined;
  let failing = 0;
  let failStatus = 500;
  let nextId = 1000;
  const prefix = "/api/v3";

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): number => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!url.pathname.startsWith(prefix + "/")) return send(res, 404, { message: "Not Found" }), 404;
    const path = url.pathname.slice(prefix.length);
    const auth = /^(?:bearer|token) (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (req.headers.accept !== "application/vnd.github+json") return send(res, 415, { message: "Unsupported 'Accept' header" }), 415;

    const app = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (app) {
      if (req.method !== "POST") return send(res, 404, { message: "Not Found" }), 404;
      if (!o.app || !appKey || !auth || !verifyJwt(auth, appKey, o.app.appId)) return send(res, 401, { message: "A JSON web token could not be decoded" }), 401;
      if (Number(app[1]) !== o.app.installationId) return send(res, 404, { message: "Not Found" }), 404;
      const token = `ghs_installation${nextId++}`;
      tokens.add(token);
      return send(res, 201, { token, expires_at: new Date(Date.now() + 3_600_000).toISOString() }), 201;
    }

    if (!auth || !tokens.has(auth)) return send(res, 401, { message: "Bad credentials" }), 401;
    const m = /^\/(?:repos\/([^/]+)\/([^/]+)|orgs\/([^/]+))\/hooks(?:\/(\d+))?$/.exec(path);
    if (!m) return send(res, 404, { message: "Not Found" }), 404;
    const key = m[3] ? `org:${decodeURIComponent(m[3])}` : `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    const exists = m[3] ? (o.organizations ?? []).includes(key.slice(4)) : o.repositories.includes(key);
    if (!exists) return send(res, 404, { message: "Not Found" }), 404;
    if (failing > 0) {
      failing--;
      return send(res, failStatus, { message: "Server Error" }), failStatus;
    }
    const list = hooks.get(key) ?? [];
    hooks.set(key, list);
    const id = m[4] ? Number(m[4]) : undefined;
    const hook = id === undefined ? undefined : list.find((h) => h.id === id);
    if (id !== undefined && !hook) return send(res, 404, { message: "Not Found" }), 404;

    if (req.method === "GET" && id === undefined) {
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = list.slice((page - 1) * perPage, page * perPage);
      const more = page * perPage < list.length;
      return send(res, 200, slice.map(shown), more ? { Link: `<${url.origin}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` } : {}), 200;
    }
    let body: Partial<StoredHook> & { config?: Partial<StoredHook["config"]> };
    try {
      body = raw ? (JSON.parse(raw) as typeof body) : {};
    } catch {
      return send(res, 400, { message: "Problems parsing JSON" }), 400;
    }
    if (req.method === "POST" && id === undefined) {
      if (!body.config?.url) return send(res, 422, { message: "Validation Failed", errors: [{ resource: "Hook", code: "custom", message: "Config must have a url" }] }), 422;
      if (list.some((h) => h.config.url === body.config!.url && h.events.some((e) => (body.events ?? ["push"]).includes(e))))
        return send(res, 422, { message: "Validation Failed", errors: [{ resource: "Hook", code: "custom", message: "Hook already exists on this repository" }] }), 422;
      const created: StoredHook = {
        id: nextId++,
        name: "web",
        active: body.active ?? true,
        events: body.events ?? ["push"],
        config: { url: body.config.url, content_type: body.config.content_type ?? "form", insecure_ssl: String(body.config.insecure_ssl ?? "0"), ...(body.config.secret ? { secret: body.config.secret } : {}) },
      };
      list.push(created);
      return send(res, 201, shown(created)), 201;
    }
    if (req.method === "PATCH" && hook) {
      if (body.config) hook.config = { ...hook.config, ...body.config, insecure_ssl: String(body.config.insecure_ssl ?? hook.config.insecure_ssl) } as StoredHook["config"];
      if (body.events) hook.events = body.events;
      if (body.active !== undefined) hook.active = body.active;
      return send(res, 200, shown(hook)), 200;
    }
    if (req.method === "DELETE" && hook) {
      list.splice(list.indexOf(hook), 1);
      return send(res, 204), 204;
    }
    return send(res, 404, { message: "Not Found" }), 404;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = handle(req, res, Buffer.concat(chunks).toString("utf8"));
      requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0]!, status });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}/`,
    hooks,
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
