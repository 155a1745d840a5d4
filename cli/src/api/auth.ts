// Who may call the API in a cluster: the caller's Kubernetes bearer token (TokenReview), then RBAC on Sensors and
// EventSources in the bus's namespace (SubjectAccessReview), so a user needs what `kubectl get sensors` needs.
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";

/** What a route needs: a verb on both resources (reads), or on one (acts). */
export interface Access {
  verb: "get" | "list" | "update";
  resources: ("sensors" | "eventsources")[];
}

export type Decision = { ok: true; user: string } | { ok: false; status: 401 | 403; message: string };

export type Authorizer = (authorization: string | undefined, access: Access) => Promise<Decision>;

export const API_GROUP = "impulse.dev";
/** Decisions are kept this long per token and access, so a console's polling does not cost two reviews a request. */
const CACHE_MS = 10_000;

export function kubeAuthorizer(kc: KubeConfig, namespace: string, now: () => number = Date.now): Authorizer {
  const authn = kc.makeApiClient(AuthenticationV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const cache = new Map<string, { until: number; decision: Decision }>();
  return async (authorization, access) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) return { ok: false, status: 401, message: "a Kubernetes bearer token is required: Authorization: Bearer <token> (kubectl create token <serviceaccount>)" };
    const key = `${token}\u0000${access.verb}\u0000${access.resources.join(",")}`;
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.decision;
    const decision = await review(token, access);
    for (const [k, v] of cache) if (v.until <= now()) cache.delete(k);
    cache.set(key, { until: now() + CACHE_MS, decision });
    return decision;
  };

  async function review(token: string, access: Access): Promise<Decision> {
    const tr = await authn.createTokenReview({ body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } } });
    const user = tr.status?.user;
    if (!tr.status?.authenticated || !user?.username) return { ok: false, status: 401, message: `the bearer token was not accepted by the Kubernetes API${tr.status?.error ? `: ${tr.status.error}` : ""}` };
    for (const resource of access.resources) {
      const sar = await authz.createSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: {
            user: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            ...(user.groups ? { groups: user.groups } : {}),
            ...(user.extra ? { extra: user.extra } : {}),
            resourceAttributes: { group: API_GROUP, resource, verb: access.verb, namespace },
          },
        },
      });
      if (!sar.status?.allowed)
        return { ok: false, status: 403, message: `${user.username} may not ${access.verb} ${resource}.${API_GROUP} in namespace ${namespace}` };
    }
    return { ok: true, user: user.username };
  }
}
