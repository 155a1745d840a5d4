// A local Bitbucket Cloud REST 2.0 server for hook registration, written from developer.atlassian.com (repository
// webhooks, pagination, Basic and OAuth authentication): the requests Impulse makes, checked.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StoredCloudHook {
  uuid: string;
  url: string;
  description: string;
  active: boolean;
  events: string[];
  secret?: string;
}

export interface BitbucketApiServer {
  /** API base, as bitbucketBaseURL (…/2.0/). */
  url: string;
  /** Hooks by "workspace/slug". */
  hooks: Map<string, StoredCloudHook[]>;
  requests: { method: string; path: string; status: number; auth: string }[];
  close(): Promise<void>;
}

const error = (message: string) => ({ type: "error", error: { message } });
function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
/** The secret is never returned; `secret_set` says whether there is one. */
const shown = ({ secret, ...h }: StoredCloudHook) => ({ type: "webhook_subscription", subject_type: "repository", ...h, secret_set: Boolean(secret) });

export async function startBitbucketApi(o: { basic?: [string, string]; oauthTokens?: string[]; repositories: string[]; pagelen?: number }): Promise<BitbucketApiServer> {
  const hooks = new Map<string, StoredCloudHook[]>();
  const requests: BitbucketApiServer["requests"] = [];
  let origin = "";

  const authKind = (h: string | undefined): string | undefined => {
    const basic = /^Basic (.+)$/.exec(h ?? "")?.[1];
    if (basic && o.basic && Buffer.from(basic, "base64").toString() === `${o.basic[0]}:${o.basic[1]}`) return "basic";
    const bearer = /^Bearer (.+)$/.exec(h ?? "")?.[1];
    if (bearer && o.oauthTokens?.includes(bearer)) return "oauth";
    return undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string, auth: string | undefined): number => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!auth) return send(res, 401, error("Unauthorized")), 401;
    const m = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)\/hooks(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return send(res, 404, error("Resource not found")), 404;
    const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
    if (!o.repositories.includes(key)) return send(res, 404, error(`Repository ${key} not found`)), 404;
    const list = hooks.get(key) ?? [];
    hooks.set(key, list);
    const uid = m[3] ? decodeURIComponent(m[3]) : undefined;
    const hook = uid === undefined ? undefined : list.find((h) => h.uuid === uid);
    if (uid !== undefined && !hook) return send(res, 404, error("Webhook not found")), 404;
    if (req.method === "GET" && uid === undefined) {
      const pagelen = Math.min(Number(url.searchParams.get("pagelen") ?? 10), o.pagelen ?? 100);
      const page = Number(url.searchParams.get("page") ?? 1);
      const values = list.slice((page - 1) * pagelen, page * pagelen).map(shown);
      const more = page * pagelen < list.length;
      return send(res, 200, { pagelen, size: list.length, page, values, ...(more ? { next: `${origin}${url.pathname}?pagelen=${pagelen}&page=${page + 1}` } : {}) }), 200;
    }
    let body: Partial<StoredCloudHook>;
    try {
      body = raw ? (JSON.parse(raw) as Partial<StoredCloudHook>) : {};
    } catch {
      return send(res, 400, error("Bad request")), 400;
    }
    if ((req.method === "POST" || req.method === "PUT") && (!body.url || !body.events?.length || body.description === undefined))
      return send(res, 400, error("url, description and events are required")), 400;
    if (req.method === "POST" && uid === undefined) {
      const created: StoredCloudHook = { uuid: `{${randomUUID()}}`, url: body.url!, description: body.description!, active: body.active ?? true, events: body.events!, ...(body.secret ? { secret: body.secret } : {}) };
      list.push(created);
      return send(res, 201, shown(created)), 201;
    }
    if (req.method === "PUT" && hook) {
      Object.assign(hook, { url: body.url, description: body.description, active: body.active ?? hook.active, events: body.events, ...(body.secret ? { secret: body.secret } : {}) });
      return send(res, 200, shown(hook)), 200;
    }
    if (req.method === "DELETE" && hook) {
      list.splice(list.indexOf(hook), 1);
      return send(res, 204), 204;
    }
    return send(res, 405, error("Method not allowed")), 405;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const auth = authKind(req.headers.authorization);
      const status = handle(req, res, Buffer.concat(chunks).toString("utf8"), auth);
      requests.push({ method: req.method ?? "", path: (req.url ?? "").split("?")[0]!, status, auth: auth ?? "none" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/2.0/`,
    hooks,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
