// The few GitHub REST calls hook registration needs (docs.github.com/rest/webhooks): list, create, update, delete.
export interface GithubHook {
  id: number;
  active: boolean;
  events: string[];
  config: { url?: string; content_type?: string; insecure_ssl?: string | number; secret?: string };
}

/** Where a hook lives: a repository or an organization. */
export type HookScope = { owner: string; repo: string } | { org: string };

export const scopeName = (s: HookScope) => ("org" in s ? `organization ${s.org}` : `${s.owner}/${s.repo}`);

const scopePath = (s: HookScope) => ("org" in s ? `orgs/${encodeURIComponent(s.org)}/hooks` : `repos/${encodeURIComponent(s.owner)}/${encodeURIComponent(s.repo)}/hooks`);

/** An API answer other than the documented success; the message has the status and GitHub's `message`, never a token. */
export class GithubApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface GithubApi {
  list(s: HookScope): Promise<GithubHook[]>;
  create(s: HookScope, hook: Omit<GithubHook, "id">): Promise<GithubHook>;
  update(s: HookScope, id: number, hook: Omit<GithubHook, "id">): Promise<GithubHook>;
  remove(s: HookScope, id: number): Promise<void>;
}

/** `token()` gives the Authorization credentials of each call (a personal token, or a GitHub App installation token). */
export function githubApi(baseUrl: string, token: () => Promise<string>): GithubApi {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const res = await fetch(new URL(path, base), {
      method,
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${await token()}`,
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "impulse-eventsource",
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        /* not JSON: keep the text */
      }
      throw new GithubApiError(res.status, `${method} ${new URL(path, base).pathname}: ${res.status} ${message}`);
    }
    return res;
  }
  return {
    async list(s) {
      const hooks: GithubHook[] = [];
      // Pages of 100 until the Link header has no rel="next" (docs: using pagination in the REST API).
      for (let page = 1; page <= 50; page++) {
        const res = await call("GET", `${scopePath(s)}?per_page=100&page=${page}`);
        hooks.push(...((await res.json()) as GithubHook[]));
        if (!/rel="next"/.test(res.headers.get("link") ?? "")) break;
      }
      return hooks;
    },
    async create(s, hook) {
      return (await (await call("POST", scopePath(s), { name: "web", ...hook })).json()) as GithubHook;
    },
    async update(s, id, hook) {
      return (await (await call("PATCH", `${scopePath(s)}/${id}`, hook)).json()) as GithubHook;
    },
    async remove(s, id) {
      try {
        await call("DELETE", `${scopePath(s)}/${id}`);
      } catch (e) {
        // Already gone is what we wanted.
        if (!(e instanceof GithubApiError && e.status === 404)) throw e;
      }
    },
  };
}
