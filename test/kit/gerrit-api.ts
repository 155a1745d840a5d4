// A local Gerrit REST server for the webhooks plugin, written from its rest-api-config.md (list, get, create-or-update
// and delete a project's remotes) and Gerrit's REST conventions (/a/ + HTTP basic auth, )]}' prefix, %2F in project
// names, 401/403/404); it also delivers events to the remotes as the plugin does (JSON POST, no signature).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";

export interface Remote {
  url: string;
  events?: string[];
  maxTries?: number;
  sslVerify?: boolean;
}

export interface GerritServer {
  /** gerritBaseURL. */
  url: string;
  /** Remotes by project, then by name; pre-fill to test adopting or updating. */
  remotes: Map<string, Map<string, Remote>>;
  requests: { method: string; path: string; status: number }[];
  /** Posts `event` to every remote of `project` subscribed to its type; returns each answer's status. */
  deliver(project: string, event: { type: string; [k: string]: unknown }): Promise<number[]>;
  close(): Promise<void>;
}

export interface GerritOptions {
  /** username → HTTP password. */
  users: Record<string, string>;
  /** Users allowed to administer the webhooks (others get 403). */
  admins: string[];
  projects: string[];
}

function send(res: ServerResponse, status: number, body?: unknown) {
  if (body === undefined) {
    res.writeHead(status);
    return res.end();
  }
  if (typeof body === "string") {
    res.writeHead(status, { "Content-Type": "text/plain; charset=UTF-8" });
    return res.end(body + "\n");
  }
  res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", "Content-Disposition": "attachment" });
  res.end(")]}'\n" + JSON.stringify(body));
}

export async function startGerrit(o: GerritOptions): Promise<GerritServer> {
  const remotes = new Map<string, Map<string, Remote>>(o.projects.map((p) => [p, new Map()]));
  const requests: GerritServer["requests"] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): number => {
    const rawPath = (req.url ?? "/").split("?")[0]!;
    const authenticated = rawPath.startsWith("/a/");
    const m = /^\/(?:a\/)?config\/server\/webhooks~projects\/([^/]+)\/remotes\/(?:([^/]+)\/?)?$/.exec(rawPath);
    if (!m) return send(res, 404, "Not Found"), 404;
    if (!authenticated) return send(res, 401, "Unauthorized"), 401;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const [user, ...rest] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
    if (!user || o.users[user] === undefined || o.users[user] !== rest.join(":")) {
      res.setHeader("WWW-Authenticate", 'Basic realm="Gerrit Code Review"');
      return send(res, 401, "Unauthorized"), 401;
    }
    if (!o.admins.includes(user)) return send(res, 403, "not permitted: administrate server"), 403;
    const project = decodeURIComponent(m[1]!);
    const projectRemotes = remotes.get(project);
    if (!projectRemotes) return send(res, 404, `Not found: ${project}`), 404;
    const name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    if (name === undefined) {
      if (req.method !== "GET") return send(res, 405, "Method Not Allowed"), 405;
      return send(res, 200, Object.fromEntries(projectRemotes)), 200;
    }
    if (req.method === "GET") {
      const r = projectRemotes.get(name);
      return r ? (send(res, 200, r), 200) : (send(res, 404, `Not found: ${name}`), 404);
    }
    if (req.method === "PUT") {
      let info: Remote;
      try {
        info = JSON.parse(raw) as Remote;
      } catch {
        return send(res, 400, "Invalid JSON"), 400;
      }
      if (typeof info.url !== "string" || !info.url) return send(res, 400, "url is required"), 400;
      const existed = projectRemotes.has(name);
      const stored: Remote = { url: info.url, ...(info.events?.length ? { events: info.events } : {}), ...(info.maxTries ? { maxTries: info.maxTries } : {}), ...(info.sslVerify ? { sslVerify: true } : {}) };
      projectRemotes.set(name, stored);
      const status = existed ? 200 : 201;
      return send(res, status, stored), status;
    }
    if (req.method === "DELETE") {
      if (!projectRemotes.delete(name)) return send(res, 404, `Not found: ${name}`), 404;
      return send(res, 204), 204;
    }
    return send(res, 405, "Method Not Allowed"), 405;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = handle(req, res, Buffer.concat(chunks).toString("utf8"));
      requests.push({ method: req.method ?? "", path: req.url ?? "", status });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    remotes,
    requests,
    async deliver(project, event) {
      const body = JSON.stringify(event);
      const out: number[] = [];
      for (const r of remotes.get(project)?.values() ?? []) {
        if (r.events?.length && !r.events.includes(event.type)) continue;
        const res = await request(r.url, { method: "POST", headers: { "content-type": "application/json" }, body });
        await res.body.dump();
        out.push(res.statusCode);
      }
      return out;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
