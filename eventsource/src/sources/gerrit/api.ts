// The webhooks plugin's REST calls (plugins/webhooks rest-api-config.md): list, create-or-update (PUT) and delete a
// project's remotes, authenticated with HTTP basic auth under Gerrit's /a/ prefix.
export interface RemoteInfo {
  url: string;
  events?: string[];
  maxTries?: number;
  sslVerify?: boolean;
  connectionTimeout?: number | string;
  socketTimeout?: number | string;
  retryInterval?: number | string;
}

export class GerritApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface GerritApi {
  list(project: string): Promise<Record<string, RemoteInfo>>;
  put(project: string, remote: string, info: RemoteInfo): Promise<RemoteInfo>;
  remove(project: string, remote: string): Promise<void>;
}

/** Gerrit prefixes JSON answers with )]}' against XSSI. */
const XSSI = /^\)\]\}'\s*/;

export function gerritApi(baseUrl: string, username: string, password: string): GerritApi {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  // Project and remote names are path segments: "my/project" becomes my%2Fproject, as Gerrit requires.
  const path = (project: string, remote?: string) =>
    `a/config/server/webhooks~projects/${encodeURIComponent(project)}/remotes/${remote === undefined ? "" : `${encodeURIComponent(remote)}/`}`;
  async function call<T>(method: string, p: string, body?: unknown): Promise<T | undefined> {
    const res = await fetch(new URL(p, base), {
      method,
      headers: { Authorization: auth, Accept: "application/json", ...(body ? { "Content-Type": "application/json; charset=UTF-8" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new GerritApiError(res.status, `${method} /${p}: ${res.status} ${text.replace(XSSI, "").trim().slice(0, 200) || res.statusText}`);
    const json = text.replace(XSSI, "").trim();
    return json ? (JSON.parse(json) as T) : undefined;
  }
  return {
    list: async (project) => (await call<Record<string, RemoteInfo>>("GET", path(project))) ?? {},
    put: async (project, remote, info) => (await call<RemoteInfo>("PUT", path(project, remote), info)) ?? info,
    remove: async (project, remote) => void (await call("DELETE", path(project, remote))),
  };
}
