// RBAC probes against a test apiserver: SubjectAccessReviews for a ServiceAccount, and a kubeconfig that acts as an existing ServiceAccount.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeJson } from "./crds.js";
import type { Kube } from "./kube.js";

/** May ServiceAccount `namespace/name` do `verb` on `group` `resource` (e.g. "sensors/status") in `ns` ("" = all namespaces)? */
export function canI(kube: Kube, namespace: string, name: string) {
  const user = `system:serviceaccount:${namespace}:${name}`;
  const groups = ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"];
  return async (verb: string, group: string, resource: string, ns: string): Promise<boolean> => {
    const [res, subresource] = resource.split("/");
    const spec = { user, groups, resourceAttributes: { verb, group, resource: res, ...(subresource ? { subresource } : {}), namespace: ns } };
    const r = await kubeJson(kube, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec });
    if (r.status !== 201) throw new Error(`SubjectAccessReview: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return r.json.status.allowed === true;
  };
}

/** A kubeconfig file for an existing ServiceAccount (token from the TokenRequest API), for running a process as it. */
export async function serviceAccountKubeconfig(kube: Kube, namespace: string, name: string): Promise<string> {
  const r = await kubeJson(kube, "POST", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { audiences: [], expirationSeconds: 3600 },
  });
  const token = r.json?.status?.token as string | undefined;
  if (r.status !== 201 || !token) throw new Error(`TokenRequest for ${namespace}/${name}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  const cluster = kube.kubeConfig.getCurrentCluster()!;
  const kc = new KubeConfig();
  const user = `system:serviceaccount:${namespace}:${name}`;
  kc.loadFromOptions({
    clusters: [{ name: "impulse-test", server: kube.server, caData: cluster.caData }],
    users: [{ name: user, token }],
    contexts: [{ name: "impulse-test", cluster: "impulse-test", user }],
    currentContext: "impulse-test",
  });
  const path = join(dirname(kube.kubeconfigPath), `${namespace}-${name}.kubeconfig`);
  writeFileSync(path, kc.exportConfig());
  return path;
}
