// Kubernetes client configuration for sources and triggers: loaded on first use, so specs without them need no cluster.
import { KubeConfig } from "@kubernetes/client-node";

/** A kubeconfig file when given, else in-cluster (service account) or ~/.kube/config, as kubectl would. */
export function kubeConfigLoader(path: string | undefined): () => KubeConfig {
  let loaded: KubeConfig | undefined;
  return () => {
    if (!loaded) {
      const kc = new KubeConfig();
      if (path) kc.loadFromFile(path);
      else kc.loadFromDefault();
      if (!kc.getCurrentCluster()) throw new Error("no Kubernetes cluster configured: pass --kubeconfig or set KUBECONFIG");
      loaded = kc;
    }
    return loaded;
  };
}
