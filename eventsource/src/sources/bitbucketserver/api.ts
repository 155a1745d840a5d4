// The Bitbucket Server (Data Center) REST calls the source makes: repository webhooks, a project's repositories, and the
// pull requests of a commit (skipBranchRefsChangedOnOpenPR); over the `tls` settings when given.
import { Agent, fetch, type RequestInit } from "undici";
export interface BitbucketServerHook {
  id: number;
  name?: string;
  url: string;
  active?: boolean;
  events: string[];
  configuration?: { secret?: string };
}
export interface RepoRef {
  projectKey: string;
  repositorySlug: string;
}

export const repoName = (r: RepoRef) => `${r.projectKey}/${r.repositorySlug}`;
const hooksPath = (r: RepoRef) => `api/1.0/projects/${encodeURIComponent(r.projectKey)}/repos/${encodeURIComponent(r.repositorySlug)}/webhooks`;

/** A pull request as "Get pull requests for commit" lists it (only what the source reads). */
export interface BitbucketServerPullRequest {
  id: number;
  state: string;
}

/** Resolved `tls`: PEM texts and whether the server's certificate is verified. */
export interface BitbucketServerTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

export interface BitbucketServerApi {
  repositories(projectKey: string): Promise<RepoRef[]>;
  /** Pull requests (any state) whose source branch contains the commit. */
  commitPullRequests(r: RepoRef, commit: string): Promise<BitbucketServerPullRequest[]>;
  list(r: RepoRef): Promise<BitbucketServerHook[]>;
  create(r: RepoRef, hook: Omit<BitbucketServerHook, "id">): Promise<BitbucketServerHook>;
  update(r: RepoRef, id: number, hook: Omit<BitbucketServerHook, "id">): Promise<unknown>;
  remove(r: RepoRef, id: number): Promise<void>;
}

/** `baseUrl` is the REST root (https://bitbucket.example.com/rest); the token is sent as `Authorization: Bearer`. */
export function bitbucketServerApi(baseUrl: string, token: string, tls?: BitbucketServerTls): BitbucketServerApi {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  // One connection pool per event, with the CA / client certificate of `tls` (as Argo's http.Transport).
  const dispatcher = tls ? new Agent({ connect: { ...tls } }) : undefined;
  async function call(method: string, path: string, body?: unknown) {
    const url = new URL(path, base);
    const init: RequestInit = {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
      ...(dispatcher ? { dispatcher } : {}),
    };
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      // undici says "fetch failed"; the cause says why (refused, certificate not trusted...).
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new Error(`${method} ${url.pathname}: ${cause ?? (e as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { errors?: { message?: string }[] }).errors?.[0]?.message ?? message;
      } catch {
        /* not JSON */
      }
      const err = new Error(`${method} ${url.pathname}: ${res.status} ${message}`) as Error & { status: number };
      err.status = res.status;
      throw err;
    }
    return res;
  }
  /** Paged resources: `values` until `isLastPage`, continuing at `nextPageStart` (docs: REST pagination). */
  async function paged<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    for (let start = 0, pages = 0; pages < 50; pages++) {
      const page = (await (await call("GET", `${path}?limit=100&start=${start}`)).json()) as { values?: T[]; isLastPage?: boolean; nextPageStart?: number };
      out.push(...(page.values ?? []));
      if (page.isLastPage !== false || page.nextPageStart === undefined) break;
      start = page.nextPageStart;
    }
    return out;
  }
  return {
    async repositories(projectKey) {
      const repos = await paged<{ slug: string }>(`api/1.0/projects/${encodeURIComponent(projectKey)}/repos`);
      return repos.map((r) => ({ projectKey, repositorySlug: r.slug }));
    },
    commitPullRequests: (r, commit) =>
      paged<BitbucketServerPullRequest>(
        `api/1.0/projects/${encodeURIComponent(r.projectKey)}/repos/${encodeURIComponent(r.repositorySlug)}/commits/${encodeURIComponent(commit)}/pull-requests`,
      ),
    list: (r) => paged<BitbucketServerHook>(hooksPath(r)),
    async create(r, hook) {
      return (await (await call("POST", hooksPath(r), hook)).json()) as BitbucketServerHook;
    },
    async update(r, id, hook) {
      return (await call("PUT", `${hooksPath(r)}/${id}`, hook)).json();
    },
    async remove(r, id) {
      try {
        await call("DELETE", `${hooksPath(r)}/${id}`);
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    },
  };
}
