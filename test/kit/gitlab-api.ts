// A local GitLab REST server for hook registration, written from docs.gitlab.com (REST API: project webhooks, group
// webhooks, pagination, authentication): the requests Impulse makes, with GitLab's auth checks and answers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The hook's event attributes and GitLab's defaults for a new hook (push on, the rest off). */
const EVENT_FIELDS: Record<string, boolean> = {
  push_events: true, tag_push_events: false, issues_events: false, confidential_issues_events: false, merge_requests_events: false,
  note_events: false, confidential_note_events: false, job_events: false, pipeline_events: false, wiki_page_events: false,
  deployment_events: false, releases_events: false, emoji_events: false, feature_flag_events: false, resource_access_token_events: false,
};
const GROUP_FIELDS: Record<string, boolean> = { member_events: false, subgroup_events: false, project_events: false };

export type StoredGitlabHook = { id: number; url: string; enable_ssl_verification: boolean; token?: string } & Record<string, unknown>;

export interface GitlabApiServer {
  /** Instance URL, as gitlabBaseURL (the API is under /api/v4). */
  url: string;
  /** Hooks by "project:<id>" or "group:<id>". */
  hooks: Map<string, StoredGitlabHook[]>;
  requests: { method: string; path: string; status: number }[];
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export interface GitlabApiOptions {
  tokens: string[];
  projects: { id: number; path: string }[];
  groups?: { id: number; path: string }[];
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}
/** GitLab never returns a hook's token. */
const shown = ({ token: _t, ...h }: StoredGitlabHook) => h;

export async function startGitlabApi(o: GitlabApiOptions): Promise<GitlabApiServer> {
  const hooks = new Map<string, StoredGitlabHook[]>();
  const requests: GitlabApiServer["requests"] = [];
  let failing = 0;
  let failStatus = 500;
  let nextId = 500;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): number => {
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/api\/v4\/(projects|groups)\/([^/]+)\/hooks(?:\/(\d+))?$/.exec(url.pathname);
    const token = req.headers["private-token"] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || !o.tokens.includes(String(token))) return send(res, 401, { message: "401 Unauthorized" }), 401;
    if (!m) return send(res, 404, { error: "404 Not Found" }), 404;
    const kind = m[1] === "projects" ? "project" : "group";
    const ref = decodeURIComponent(m[2]!);
    const found = (kind === "project" ? o.projects : (o.groups ?? [])).find((p) => String(p.id) === ref || p.path === ref);
    if (!found) return send(res, 404, { message: `404 ${kind === "project" ? "Project" : "Group"} Not Found` }), 404;
    if (failing > 0) {
      failing--;
      return send(res, failStatus, { message: "500 Internal Server Error" }), failStatus;
    }
    const key = `${kind}:${found.id}`;
    const list = hooks.get(key) ?? [];
    hooks.set(key, list);
    const id = m[3] ? Number(m[3]) : undefined;
    const hook = id === undefined ? undefined : list.find((h) => h.id === id);
    if (id !== undefined && !hook) return send(res, 404, { message: "404 Not found" }), 404;
    const fields = { ...EVENT_FIELDS, ...(kind === "group" ? GROUP_FIELDS : {}) };

    if (req.method === "GET" && id === undefined) {
      const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 20), 100);
      const page = Number(url.searchParams.get("page") ?? 1);
      const next = page * perPage < list.length ? String(page + 1) : "";
      return send(res, 200, list.slice((page - 1) * perPage, page * perPage).map(shown), { "X-Page": String(page), "X-Per-Page": String(perPage), "X-Next-Page": next, "X-Total": String(list.length) }), 200;
    }
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return send(res, 400, { error: "400 Bad request - body is not valid JSON" }), 400;
    }
    const unknown = Object.keys(body).filter((k) => !(k in fields) && !["url", "token", "enable_ssl_verification", "push_events_branch_filter", "name", "description"].includes(k));
    if ((req.method === "POST" || req.method === "PUT") && unknown.length) return send(res, 400, { error: `${unknown[0]} does not have a valid value` }), 400;
    for (const k of Object.keys(fields)) if (k in body && typeof body[k] !== "boolean") return send(res, 400, { error: `${k} is invalid` }), 400;
    if (req.method === "POST" && id === undefined) {
      if (typeof body["url"] !== "string" || !/^https?:\/\//.test(body["url"])) return send(res, 400, { error: "url is missing" }), 400;
      const created = { id: nextId++, created_at: new Date().toISOString(), enable_ssl_verification: true, ...fields, ...body } as unknown as StoredGitlabHook;
      if (kind === "project") created["project_id"] = found.id;
      else created["group_id"] = found.id;
      list.push(created);
      return send(res, 201, shown(created)), 201;
    }
    if (req.method === "PUT" && hook) {
      if (typeof body["url"] !== "string") return send(res, 400, { error: "url is missing" }), 400;
      Object.assign(hook, body);
      return send(res, 200, shown(hook)), 200;
    }
    if (req.method === "DELETE" && hook) {
      list.splice(list.indexOf(hook), 1);
      return send(res, 204), 204;
    }
    return send(res, 405, { message: "405 Method Not Allowed" }), 405;
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
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
