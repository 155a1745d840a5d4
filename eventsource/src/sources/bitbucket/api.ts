// The Bitbucket Cloud REST 2.0 calls hook registration needs (developer.atlassian.com: repository webhooks).
export interface BitbucketHook {
  uuid: string;
  url: string;
  description?: string;
  active?: boolean;
  events: string[];
}
export interface CloudRepo {
  owner: string;
  repositorySlug: string;
}

export const cloudRepoName = (r: CloudRepo) => `${r.owner}/${r.repositorySlug}`;
const hooksPath = (r: CloudRepo) => `repositories/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repositorySlug)}/hooks`;

export interface BitbucketApi {
  list(r: CloudRepo): Promise<BitbucketHook[]>;
  create(r: CloudRepo, hook: Omit<BitbucketHook, "uuid"> & { secret?: string }): Promise<BitbucketHook>;
  update(r: CloudRepo, uuid: string, hook: Omit<BitbucketHook, "uuid"> & { secret?: string }): Promise<unknown>;
  remove(r: CloudRepo, uuid: string): Promise<void>;
}

/** `authorization` is the whole header value: `Basic <base64 user:password>` or `Bearer <OAuth token>`. */
export function bitbucketApi(baseUrl: string, authorization: string): BitbucketApi {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  async function call(method: string, pathOrUrl: string, body?: unknown): Promise<Response> {
    const url = new URL(pathOrUrl, base);
    const res = await fetch(url, {
      method,
      headers: { Authorization: authorization, Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        /* not JSON */
      }
      const err = new Error(`${method} ${url.pathname}: ${res.status} ${message}`) as Error & { status: number };
      err.status = res.status;
      throw err;
    }
    return res;
  }
  // Hook ids are UUIDs in braces; they go into the path URL-encoded.
  const hookPath = (r: CloudRepo, uuid: string) => `${hooksPath(r)}/${encodeURIComponent(uuid)}`;
  return {
    async list(r) {
      const out: BitbucketHook[] = [];
      // Paginated: `values`, then the `next` URL until there is none (docs: pagination).
      let next: string | undefined = `${hooksPath(r)}?pagelen=100`;
      for (let pages = 0; next && pages < 50; pages++) {
        const page = (await (await call("GET", next)).json()) as { values?: BitbucketHook[]; next?: string };
        out.push(...(page.values ?? []));
        next = page.next;
      }
      return out;
    },
    async create(r, hook) {
      return (await (await call("POST", hooksPath(r), hook)).json()) as BitbucketHook;
    },
    async update(r, uuid, hook) {
      return (await call("PUT", hookPath(r, uuid), hook)).json();
    },
    async remove(r, uuid) {
      try {
        await call("DELETE", hookPath(r, uuid));
      } catch (e) {
        if ((e as { status?: number }).status !== 404) throw e;
      }
    },
  };
}
