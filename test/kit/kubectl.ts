// Runs the kubectl that tools/kube/build.sh builds next to kube-apiserver, against a test apiserver or without one.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { kubeBinDir, type Kube } from "./kube.js";

export function kubectlPath(): string {
  const bin = join(kubeBinDir(), "kubectl");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`bash tools/kube/build.sh\` (npm test does; kubectl takes a few minutes once)`);
  return bin;
}

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `kubectl <args>` as the kit's admin user when `kube` is given (else offline, e.g. `kustomize`); never throws on exit codes. */
export function kubectl(kube: Kube | undefined, args: string[], opts: { input?: string; timeoutMs?: number } = {}): KubectlResult {
  // Discovery is cached per host:port; a later apiserver on a reused port would see this one's resources: cache per kube.
  const cache = join(kube ? dirname(kube.kubeconfigPath) : tmpdir(), "kubectl-cache");
  const r = spawnSync(kubectlPath(), [...(kube ? ["--kubeconfig", kube.kubeconfigPath] : []), `--cache-dir=${cache}`, ...args], {
    encoding: "utf8",
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    // No ~/.kube/config, no kuberc preferences, no cache shared with other runs.
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", KUBECONFIG: "/dev/null", KUBECTL_KUBERC: "false" },
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}
