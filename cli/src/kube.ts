// Kubernetes client configuration for sources and triggers: loaded on first use, so specs without them need no cluster.
import { KubeConfig } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const HOW = "pass --kubeconfig <file> or set KUBECONFIG (in a pod the service account is used)";

/**
 * A kubeconfig file when given, else in-cluster (service account) or ~/.kube/config, as kubectl would. Unlike the
 * client's loadFromDefault, nothing found is an error that says how to fix it: its fallback (http://localhost:8080)
 * only failed later, mid-watch, with "HTTP protocol is not allowed when skipTLSVerify is not set".
 */
export function kubeConfigLoader(path: string | undefined): () => KubeConfig {
  let loaded: KubeConfig | undefined;
  return () => {
    if (!loaded) {
      const kc = new KubeConfig();
      const home = join(homedir(), ".kube", "config");
      const file = path ?? (existsSync(home) ? home : undefined);
      if (file) {
        try {
          kc.loadFromFile(file);
        } catch (e) {
          throw new Error(`kubeconfig ${file} is not usable (${(e as Error).message}): ${HOW}`);
        }
      } else if (existsSync(SERVICE_ACCOUNT_TOKEN)) kc.loadFromCluster();
      else throw new Error(`no Kubernetes configuration (no ~/.kube/config, not in a pod): ${HOW}`);
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new Error(`kubeconfig ${file ?? "(in-cluster)"} has no current cluster: ${HOW}`);
      if (cluster.server.startsWith("http://") && !cluster.skipTLSVerify)
        throw new Error(`kubeconfig ${file ?? "(in-cluster)"}: cluster ${cluster.name} uses plain http (${cluster.server}), which the Kubernetes client refuses: ${HOW}`);
      loaded = kc;
    }
    return loaded;
  };
}
