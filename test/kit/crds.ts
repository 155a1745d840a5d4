// Installs the committed Impulse CRDs (manifests/crds/) into a test kube-apiserver and waits until they serve.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent, request } from "undici";
import { parse } from "yaml";
import { repoRoot } from "./cli.js";
import type { Kube } from "./kube.js";
import { waitFor } from "./wait.js";

export const crdDir = join(repoRoot, "manifests", "crds");

interface Crd {
  metadata: { name: string; resourceVersion?: string };
  spec: { group: string; names: { plural: string; kind: string } };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** The committed CRD objects, as written (plain objects: the typed client would drop x-kubernetes-* keys it does not map). */
export function readCrds(dir = crdDir): Crd[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as Crd & { kind?: string })
    .filter((d) => d?.kind === "CustomResourceDefinition");
}

/** A raw JSON request as the kit's admin user: CRDs go over the wire exactly as committed. */
export async function kubeJson(kube: Kube, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const cluster = kube.kubeConfig.getCurrentCluster();
  const token = kube.kubeConfig.getCurrentUser()?.token;
  const ca = cluster?.caData ? Buffer.from(cluster.caData, "base64").toString() : undefined;
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const res = await request(`${kube.server}${path}`, {
      method: method as "GET",
      dispatcher,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
  } finally {
    await dispatcher.close();
  }
}

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/**
 * Creates (or replaces, when already there) the EventBus, EventSource and Sensor CRDs from manifests/crds/ and waits until
 * each is Established and its resource is served. Returns the CRD names (e.g. sensors.impulse.dev).
 */
export async function installCrds(kube: Kube, opts: { dir?: string; timeoutMs?: number } = {}): Promise<string[]> {
  const crds = readCrds(opts.dir);
  if (crds.length === 0) throw new Error(`no CRDs in ${opts.dir ?? crdDir}: run \`impulse gen-crds\``);
  for (const crd of crds) {
    let r = await kubeJson(kube, "POST", CRDS, crd);
    if (r.status === 409) {
      const live = await kubeJson(kube, "GET", `${CRDS}/${crd.metadata.name}`);
      r = await kubeJson(kube, "PUT", `${CRDS}/${crd.metadata.name}`, { ...crd, metadata: { ...crd.metadata, resourceVersion: live.json.metadata.resourceVersion } });
    }
    if (r.status >= 300) throw new Error(`installing CRD ${crd.metadata.name}: HTTP ${r.status} ${JSON.stringify(r.json?.message ?? r.json)}`);
  }
  for (const crd of crds) {
    await waitFor(
      `CRD ${crd.metadata.name} Established`,
      async () => {
        const { json } = await kubeJson(kube, "GET", `${CRDS}/${crd.metadata.name}`);
        const cond = (json as Crd).status?.conditions?.find((c) => c.type === "Established");
        return cond?.status === "True";
      },
      opts.timeoutMs ?? 30_000,
    );
    // Established comes a moment before the REST endpoint answers; a list proves it serves.
    const version = (crd as unknown as { spec: { versions: { name: string }[] } }).spec.versions[0]!.name;
    await waitFor(`${crd.spec.names.plural}.${crd.spec.group} served`, async () => (await kubeJson(kube, "GET", `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}`)).status === 200, opts.timeoutMs ?? 30_000);
  }
  return crds.map((c) => c.metadata.name);
}
