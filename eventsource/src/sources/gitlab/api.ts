// The GitLab REST calls hook registration needs (docs.gitlab.com/api/project_webhooks, group_webhooks).
export type GitlabHook = { id: number; url: string; enable_ssl_verification?: boolean } & Record<string, unknown>;

/** A project or group, by numeric id or full path (group/project). */
export type GitlabScope = { project: string } | { group: string };

export const gitlabScopeName = (s: GitlabScope) => ("project" in s ? `project ${s.project}` : `group ${s.group}`);
const scopePath = (s: GitlabScope) => ("project" in s ? `projects/${encodeURIComponent(s.project)}/hooks` : `groups/${encodeURIComponent(s.group)}/hooks`);

export interface GitlabApi {
  list(s: GitlabScope): Promise<GitlabHook[]>;
  create(s: GitlabScope, hook: Record<string, unknown>): Promise<GitlabHook>;
  update(s: GitlabScope, id: number, hook: Record<string, unknown>): Promise<GitlabHook>;
  remove(s: GitlabScope, id: number): Promise<void>;
}

/** `baseUrl` is the instance (https://gitlab.com); calls go to <baseUrl>/api/v4/ with a PRIVATE-TOKEN header. */
export function gitlabApi(baseUrl: string, token: string): GitlabApi {
  const trimmed = baseUrl.replace(/\/+$/, "");
  const base = `${trimmed.endsWith("/api/v4") ? trimmed : `${trimmed}/api/v4`}/`;
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const url = new URL(path, base);
    const res = await fetch(url, {
      method,
      headers: { "PRIVATE-TOKEN": token, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      let message = text.slice(0, 200);
      try {
        const m = (JSON.parse(text) as { message?: unknown; error?: unknown }).message ?? (JSON.parse(text) as { error?: unknown }).error;
        if (m !== undefined) message = typeof m === "string" ? m : JSON.stringify(m);
      } catch {
        /* not JSON: keep the text */
      }
      const err = new Error(`${method} ${url.pathname}: ${res.status} ${message}`) as Error & { status: number };
      err.status = res.status;
      throw err;
    }
    return res;
  }
  return {
    async list(s) {
      const hooks: GitlabHook[] = [];
      // Pages of 100 while X-Next-Page names one (docs: REST API pagination).
      for (let page = 1; page && page <= 50; ) {
        const res = await call("GET", `${scopePath(s)}?per_page=100&page=${page}`);
        hooks.push(...((await res.json()) as GitlabHook[]));
        page = Number(res.headers.get("x-next-page") || 0);
      }
      return hooks;
    },
    async create(s, hook) {
      return (await (await call("POST", scopePath(s), hook)).json()) as GitlabHook;
    },
    async update(s, id, hook) {
      return (await (await call("PUT", `${scopePath(s)}/${id}`, hook)).json()) as GitlabHook;
    },
    async remove(s, id) {
      try {
        await call("DELETE", `${scopePath(s)}/${id}`);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    },
  };
}
