// Runs `helm template` with the helm that tools/helm/install.sh builds from the Go module proxy (no cluster needed).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./cli.js";

export const chartDir = join(repoRoot, "manifests", "helm", "impulse");

/** The helm binary: IMPULSE_HELM_DIR, else the directory tools/helm/install.sh reports (never builds: a test must not). */
export function helmPath(): string {
  let dir = process.env["IMPULSE_HELM_DIR"];
  if (!dir) {
    const r = spawnSync("bash", [join(repoRoot, "tools/helm/install.sh"), "--dir"], { encoding: "utf8" });
    dir = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
    if (!dir) throw new Error(`tools/helm/install.sh --dir failed: ${r.stderr}`);
  }
  const bin = join(dir, "helm");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`bash tools/helm/install.sh\` (npm test does; the first build takes a few minutes)`);
  return bin;
}

export interface HelmTemplateOptions {
  release?: string;
  namespace?: string;
  /** --set key=value pairs. */
  set?: Record<string, string>;
  /** Render crds/ too (helm install applies them before the templates). */
  includeCrds?: boolean;
}

/** Runs helm with a throwaway HOME (helm keeps caches and config there: nothing outside the test is read or written). */
function runHelm(args: string[]): string {
  const home = mkdtempSync(join(tmpdir(), "impulse-helm-"));
  try {
    const r = spawnSync(helmPath(), args, {
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env["PATH"] ?? "", HOME: home, XDG_CACHE_HOME: join(home, "cache"), XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data") },
    });
    if (r.status !== 0) throw new Error(`helm ${args.join(" ")} failed (exit ${r.status}): ${r.stdout}${r.stderr}${r.error ? String(r.error) : ""}`);
    return r.stdout;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const setFlags = (set: Record<string, string> = {}) => Object.entries(set).flatMap(([k, v]) => ["--set", `${k}=${v}`]);

/** `helm template`: the rendered multi-document YAML; throws with helm's output when it fails. */
export function helmTemplate(chart: string, opts: HelmTemplateOptions = {}): string {
  return runHelm(["template", opts.release ?? "impulse", chart, "--namespace", opts.namespace ?? "impulse-system", ...(opts.includeCrds ? ["--include-crds"] : []), ...setFlags(opts.set)]);
}

/** `helm lint --strict` (warnings fail too); throws with helm's output when it fails. */
export function helmLint(chart: string, set?: Record<string, string>): string {
  return runHelm(["lint", "--strict", chart, ...setFlags(set)]);
}
