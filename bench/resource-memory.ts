// Memory of watching many Kubernetes objects: the resource source against a client-node informer (Argo's approach,
// which caches whole objects: 500 MB for 20k Secrets, argo-events#3156), on a real kube-apiserver.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { startKube } from "../test/kit/kube.js";
import { startNats } from "../test/kit/nats.js";

const OBJECTS = Number(process.env["BENCH_RESOURCE_OBJECTS"] ?? 3000);
/** ~4 KB of data per ConfigMap, like a small config file or a Secret with a certificate. */
const DATA = { "config.yaml": "key: value\n".repeat(370) };

export interface ResourceMemoryResult {
  objects: number;
  mode: string;
  retainedMiB: number;
}

function probe(mode: string, args: string[]): Promise<ResourceMemoryResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--conditions=source", "--import", "tsx", join(import.meta.dirname, "resource-memory-probe.ts"), mode, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (c: Buffer) => (out += c.toString()));
    p.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${mode} probe exited with ${code}`));
      const r = JSON.parse(out.trim().split("\n").pop()!) as { retainedBytes: number };
      resolve({ objects: OBJECTS, mode, retainedMiB: Math.round((r.retainedBytes / 1024 / 1024) * 10) / 10 });
    });
  });
}

export async function benchResourceMemory(): Promise<ResourceMemoryResult[]> {
  const [kube, nats] = await Promise.all([startKube(), startNats()]);
  try {
    const ns = await kube.newNamespace("memory");
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    let next = 0;
    const create = async () => {
      while (next < OBJECTS) {
        const i = next++;
        await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `cm-${i}`, labels: { app: "bench" } }, data: DATA } });
      }
    };
    await Promise.all(Array.from({ length: 16 }, create));
    const args = [kube.kubeconfigPath, ns, nats.url, String(OBJECTS)];
    const results: ResourceMemoryResult[] = [];
    for (const mode of ["informer", "impulse-add", "impulse-update"]) results.push(await probe(mode, args));
    return results;
  } finally {
    await Promise.all([nats.stop(), kube.stop()]);
  }
}
