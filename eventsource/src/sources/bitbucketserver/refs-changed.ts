// Argo's handling of repo:refs_changed deliveries: skipBranchRefsChangedOnOpenPR and oneEventPerChange (pure but for
// the open-PR lookup it is given).
import type { Expansion } from "../webhook/hooks.js";

interface Change {
  ref?: { type?: string };
  toHash?: string;
  type?: string;
}
interface RefsChanged {
  repository?: { slug?: string; project?: { key?: string } };
  changes?: Change[];
  [k: string]: unknown;
}

export interface RefsChangedOptions {
  oneEventPerChange: boolean;
  /** With skipBranchRefsChangedOnOpenPR: whether a pull request of the repository is OPEN for the commit. */
  hasOpenPullRequest?: ((projectKey: string, repositorySlug: string, commit: string) => Promise<boolean>) | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * As Argo: other event keys pass unchanged. With hasOpenPullRequest, a change of a BRANCH that is not a DELETE is dropped
 * when its new commit (toHash) has an open pull request; no change left → no event. With oneEventPerChange, one event
 * per remaining change (the delivery with `changes` holding that change; keyed by its index in the delivery), otherwise
 * the delivery as received — all its changes, as Argo sends the original body once one change remains.
 */
export async function expandRefsChanged(eventKey: string | undefined, body: unknown, o: RefsChangedOptions): Promise<Expansion> {
  if (eventKey !== "repo:refs_changed" || !isObject(body) || !Array.isArray(body["changes"])) return { parts: [{ body }] };
  const doc = body as RefsChanged;
  const indexed = (doc.changes ?? []).map((change, index) => ({ change, index }));
  let kept = indexed;
  if (o.hasOpenPullRequest) {
    const project = doc.repository?.project?.key ?? "";
    const slug = doc.repository?.slug ?? "";
    kept = [];
    for (const c of indexed) {
      const branchUpdate = c.change?.ref?.type === "BRANCH" && c.change.type !== "DELETE" && typeof c.change.toHash === "string";
      if (!branchUpdate || !(await o.hasOpenPullRequest(project, slug, c.change.toHash!))) kept.push(c);
    }
    if (kept.length === 0) return { parts: [], reason: "every changed branch has an open pull request (skipBranchRefsChangedOnOpenPR)" };
  }
  if (!o.oneEventPerChange) return { parts: [{ body }] };
  return { parts: kept.map((c) => ({ body: { ...doc, changes: [c.change] }, key: String(c.index) })) };
}
