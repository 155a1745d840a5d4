// Argo Rollouts' and Argo CD's own CRDs (Rollout, AnalysisRun, Application) for the notification catalogs' suites, as tools/argo-crds/install.sh caches them.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./cli.js";
import { installCrds } from "./crds.js";
import type { Kube } from "./kube.js";

/** IMPULSE_ARGO_CRDS_DIR, else the directory tools/argo-crds/install.sh reports (never fetches: a test must not). */
function argoCrdsDir(): string {
  const env = process.env["IMPULSE_ARGO_CRDS_DIR"];
  if (env) return env;
  const r = spawnSync("bash", [join(repoRoot, "tools/argo-crds/install.sh"), "--dir"], { encoding: "utf8" });
  const dir = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
  if (!dir) throw new Error(`tools/argo-crds/install.sh --dir failed: ${r.stderr}`);
  return dir;
}

/** Installs the Rollout, AnalysisRun and Application CRDs and waits until they serve. */
export async function installArgoNotificationCrds(kube: Kube): Promise<void> {
  const dir = argoCrdsDir();
  if (!existsSync(join(dir, "application-crd.yaml")))
    throw new Error(`${dir} has no Argo Rollouts / Argo CD CRDs: run \`bash tools/argo-crds/install.sh\` (npm test does; it takes seconds)`);
  await installCrds(kube, { dir, timeoutMs: 120_000 });
}
