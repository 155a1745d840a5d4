// A real git smart-HTTP server for the git-source suites: `git http-backend` (CGI) behind a small Node server on a free
// loopback port, with HTTP basic auth and, optionally, TLS from a throwaway CA.
import { spawn } from "node:child_process";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serverCerts, type ServerCerts } from "./certs.js";

export interface GitHttpServer {
  /** Base URL; a repository is at `${url}/<name>`. */
  url: string;
  certs?: ServerCerts;
  /** Requests seen, as "METHOD path?query" (the suites count fetches). */
  requests: string[];
  stop(): Promise<void>;
}

/** Runs one CGI request: the request body to stdin, the CGI header block parsed into status and headers. */
function cgi(root: string, req: IncomingMessage, res: ServerResponse, user: string | undefined): void {
  const u = new URL(req.url ?? "/", "http://x");
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: decodeURIComponent(u.pathname),
    QUERY_STRING: u.search.slice(1),
    REQUEST_METHOD: req.method ?? "GET",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: "127.0.0.1",
    ...(user ? { REMOTE_USER: user } : {}),
    ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
    ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
  };
  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headerDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString().split("\r\n")) {
      const i = line.indexOf(":");
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === "status") status = parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.stderr.resume();
  child.on("close", () => res.end());
}

export async function startGitHttp(opts: { root: string; tls?: boolean; auth?: { user: string; password: string | RegExp } }): Promise<GitHttpServer> {
  const certs = opts.tls ? serverCerts() : undefined;
  const requests: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    let user: string | undefined;
    if (opts.auth) {
      const [scheme, value] = (req.headers.authorization ?? "").split(" ");
      const [u, ...p] = scheme === "Basic" && value ? Buffer.from(value, "base64").toString().split(":") : [];
      const pass = p.join(":");
      const expected = opts.auth.password;
      if (u !== opts.auth.user || (typeof expected === "string" ? pass !== expected : !expected.test(pass))) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end("authentication required\n");
        return;
      }
      user = u;
    }
    cgi(opts.root, req, res, user);
  };
  const server = certs ? createHttpsServer({ cert: certs.cert, key: certs.key }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${certs ? "https" : "http"}://127.0.0.1:${port}`,
    ...(certs ? { certs } : {}),
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
