// Renders the install manifests (kustomize via the kit's kubectl, the Helm chart via helm) into plain objects, and sends them to a test apiserver.
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { repoRoot } from "./cli.js";
import { kubeJson } from "./crds.js";
import { helmTemplate, chartDir, type HelmTemplateOptions } from "./helm.js";
import type { Kube } from "./kube.js";
import { kubectl } from "./kubectl.js";

export const installDir = join(repoRoot, "manifests", "install");

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}

/** Every non-empty document of a multi-document YAML stream; throws on YAML errors. */
export function parseManifests(text: string, what: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`${what}: ${d.errors.map((e) => e.message).join("; ")}`);
      return d.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** `kubectl kustomize <dir>` (kustomize is built into kubectl). */
export function kustomize(dir: string): Manifest[] {
  const r = kubectl(undefined, ["kustomize", dir]);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${r.status}): ${r.stderr}`);
  return parseManifests(r.stdout, `kubectl kustomize ${dir}`);
}

export function helm(opts: HelmTemplateOptions = {}): Manifest[] {
  return parseManifests(helmTemplate(chartDir, { includeCrds: true, ...opts }), "helm template");
}

/** Kind/namespace/name: what identifies an object. */
export const keyOf = (m: Manifest) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`;

/** Where each kind the install renders lives in the API; cluster-scoped ones have no namespace. */
const RESOURCES: Record<string, { plural: string; namespaced: boolean }> = {
  "v1/Namespace": { plural: "namespaces", namespaced: false },
  "v1/ServiceAccount": { plural: "serviceaccounts", namespaced: true },
  "v1/Service": { plural: "services", namespaced: true },
  "v1/ConfigMap": { plural: "configmaps", namespaced: true },
  "apps/v1/Deployment": { plural: "deployments", namespaced: true },
  "networking.k8s.io/v1/NetworkPolicy": { plural: "networkpolicies", namespaced: true },
  "rbac.authorization.k8s.io/v1/Role": { plural: "roles", namespaced: true },
  "rbac.authorization.k8s.io/v1/RoleBinding": { plural: "rolebindings", namespaced: true },
  "rbac.authorization.k8s.io/v1/ClusterRole": { plural: "clusterroles", namespaced: false },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": { plural: "clusterrolebindings", namespaced: false },
  "apiextensions.k8s.io/v1/CustomResourceDefinition": { plural: "customresourcedefinitions", namespaced: false },
};

/** The collection an object is created in. */
export function collectionPath(m: Manifest): string {
  const r = RESOURCES[`${m.apiVersion}/${m.kind}`];
  if (!r) throw new Error(`${keyOf(m)}: ${m.apiVersion} ${m.kind} is not a kind the install test knows; add it to RESOURCES`);
  if (r.namespaced && !m.metadata.namespace) throw new Error(`${keyOf(m)} has no namespace: a rendered namespaced object must carry one`);
  const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  return `${base}${r.namespaced ? `/namespaces/${m.metadata.namespace}` : ""}/${r.plural}`;
}

/**
 * Creates an object; with dryRun the server runs admission and validation (strict: unknown or duplicate fields are
 * errors, not warnings) and stores nothing. Returns the HTTP status and the server's message on failure.
 */
export async function create(kube: Kube, m: Manifest, opts: { dryRun: boolean }): Promise<{ status: number; message?: string }> {
  const query = `?fieldValidation=Strict${opts.dryRun ? "&dryRun=All" : ""}`;
  const r = await kubeJson(kube, "POST", collectionPath(m) + query, m);
  return r.status < 300 ? { status: r.status } : { status: r.status, message: String(r.json?.message ?? JSON.stringify(r.json)) };
}
