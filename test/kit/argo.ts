// Argo Workflows for the argoWorkflow trigger's suites: its own CRDs and the `argo` CLI, as tools/argo/install.sh caches them.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./cli.js";
import { installCrds } from "./crds.js";
import type { Kube } from "./kube.js";

/** IMPULSE_ARGO_DIR, else the directory tools/argo/install.sh reports (never fetches or builds: a test must not). */
export function argoDir(): string {
  const env = process.env["IMPULSE_ARGO_DIR"];
  if (env) return env;
  const r = spawnSync("bash", [join(repoRoot, "tools/argo/install.sh"), "--dir"], { encoding: "utf8" });
  const dir = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
  if (!dir) throw new Error(`tools/argo/install.sh --dir failed: ${r.stderr}`);
  return dir;
}

/** The argo CLI when the cache has it, else undefined (the reference suite then skips, saying why). */
export function argoCliPath(): string | undefined {
  const bin = join(argoDir(), "argo");
  return existsSync(bin) ? bin : undefined;
}

/** Installs Argo Workflows' CRDs (Workflow, WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow...) and waits until they serve. */
export async function installArgoCrds(kube: Kube): Promise<void> {
  const dir = join(argoDir(), "crds");
  if (!existsSync(join(dir, "argoproj.io_workflows.yaml")))
    throw new Error(`${dir} has no Argo Workflows CRDs: run \`bash tools/argo/install.sh\` (npm test does; the CRDs take seconds)`);
  await installCrds(kube, { dir, timeoutMs: 120_000 });
}
