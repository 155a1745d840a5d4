// Starts a real etcd + kube-apiserver for one test file (token auth, RBAC on), and hands out namespaces and limited users.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { AuthorizationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type V1PolicyRule } from "@kubernetes/client-node";
import { freePort } from "@impulse/bus";
import { Agent, request } from "undici";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";
import { stopProcess } from "@impulse/bus";

/** A running control plane. Everything it created lives in `dir` and is removed by stop(). */
export interface Kube {
  /** https://127.0.0.1:<port> */
  server: string;
  /** Client configuration for the admin user (group system:masters). */
  kubeConfig: KubeConfig;
  /** The same admin configuration as a kubeconfig file, for CLI subprocesses (`--kubeconfig`). */
  kubeconfigPath: string;
  /** Kubernetes version the binaries were built as, from the cache directory's name (e.g. "v1.36.3"), if known. */
  version: string | undefined;
  /** Creates a fresh namespace `<prefix>-<random>`: namespaces never finish deleting on a bare apiserver, so never reuse one. */
  newNamespace(prefix?: string): Promise<string>;
  /**
   * Creates ServiceAccount `name` in `namespace` with exactly `rules` in that namespace (Role + RoleBinding) and returns a
   * client configuration and kubeconfig file for it (token from the TokenRequest API): for provoking RBAC 403s.
   */
  serviceAccount(namespace: string, name: string, rules: V1PolicyRule[]): Promise<{ kubeConfig: KubeConfig; kubeconfigPath: string }>;
  /**
   * Compacts etcd's history up to now, as the apiserver does every few minutes: a watch resumed from an older
   * resourceVersion then gets 410 Gone, the case a watcher must handle by relisting.
   */
  compactEtcd(): Promise<void>;
  /** Last lines of the apiserver's log, for failure messages. */
  logTail(lines?: number): string;
  /** Stops the apiserver and etcd (SIGTERM, SIGKILL after 10 s) and removes the temp directory. */
  stop(): Promise<void>;
}

export interface KubeOptions {
  /** How long to wait for /readyz (default 90 s: a cold start on 2 busy cores can be slow). */
  readyTimeoutMs?: number;
  /** Extra kube-apiserver flags, e.g. `--watch-cache=false` so watches read etcd and compaction yields 410 Gone. */
  apiserverArgs?: string[];
}

const ADMIN_TOKEN = "impulse-admin-token";
const BUILD_HINT = "run `bash tools/kube/build.sh` (npm test does; the first build takes 8-20 minutes and is cached)";

/** The directory with `etcd` and `kube-apiserver`: IMPULSE_KUBE_DIR, else the one tools/kube/build.sh reports. */
export function kubeBinDir(): string {
  let dir = process.env["IMPULSE_KUBE_DIR"];
  if (!dir) {
    // --dir prints the cache directory without building: a test must never start a 20-minute build.
    const r = spawnSync("bash", [join(repoRoot, "tools/kube/build.sh"), "--dir"], { encoding: "utf8" });
    dir = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
    if (!dir) throw new Error(`tools/kube/build.sh --dir failed: ${r.stderr}`);
  }
  for (const bin of ["etcd", "kube-apiserver"])
    if (!existsSync(join(dir, bin))) throw new Error(`${join(dir, bin)} is missing: ${BUILD_HINT}`);
  return dir;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr || r.error?.message}`);
}

/** A throwaway CA, a serving certificate for 127.0.0.1, and a service-account signing key. */
function makeCertificates(dir: string): void {
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=impulse-test-ca", "-keyout", "ca.key", "-out", "ca.crt"], dir);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver", "-keyout", "apiserver.key", "-out", "apiserver.csr"], dir);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n");
  openssl(["x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "apiserver.crt", "-extfile", "san.ext"], dir);
  openssl(["genrsa", "-out", "sa.key", "2048"], dir);
  writeFileSync(join(dir, "tokens.csv"), `${ADMIN_TOKEN},impulse-admin,impulse-admin-uid,"system:masters"\n`);
}

function configFor(server: string, caPem: string, user: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "impulse-test", server, caData: Buffer.from(caPem).toString("base64") }],
    users: [{ name: user, token }],
    contexts: [{ name: "impulse-test", cluster: "impulse-test", user }],
    currentContext: "impulse-test",
  });
  return kc;
}

function launch(binary: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(binary, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  // If the test process dies without calling stop(), do not leave the server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  return child;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines - 1).join("\n");
  } catch {
    return "(no log)";
  }
}

async function poll(what: string, timeoutMs: number, probe: () => Promise<boolean>, failure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms\n${failure()}`);
}

export async function startKube(opts: KubeOptions = {}): Promise<Kube> {
  stopServersOnKill();
  const binDir = kubeBinDir();
  // etcd data and certificates in memory when possible: faster, and nothing to fsync.
  const dir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "impulse-kube-"));
  const procs: ChildProcess[] = [];
  const apiLog = join(dir, "apiserver.log");
  const etcdLog = join(dir, "etcd.log");
  const cleanup = async () => {
    for (const p of [...procs].reverse()) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    makeCertificates(dir);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const etcd = launch(join(binDir, "etcd"), [
      "--name=impulse", `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=impulse=http://127.0.0.1:${peerPort}`, "--unsafe-no-fsync", "--log-level=warn",
    ], etcdLog);
    procs.push(etcd);
    await poll("etcd", 20_000, async () => {
      if (etcd.exitCode !== null) throw new Error("exited");
      const r = await request(`${etcdUrl}/health`);
      return ((await r.body.json()) as { health?: string }).health === "true";
    }, () => (etcd.exitCode !== null ? `etcd exited with code ${etcd.exitCode}\n` : "") + tail(etcdLog, 20));

    const api = launch(join(binDir, "kube-apiserver"), [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1", `--secure-port=${apiPort}`,
      `--tls-cert-file=${join(dir, "apiserver.crt")}`, `--tls-private-key-file=${join(dir, "apiserver.key")}`, `--cert-dir=${join(dir, "certs")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`, "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(dir, "sa.key")}`, `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.0.0.0/24",
      // No controller-manager creates the "default" ServiceAccount, so its admission plugin would refuse every pod.
      "--disable-admission-plugins=ServiceAccount", "--allow-privileged=true",
      ...(opts.apiserverArgs ?? []),
      // Lighter on 2 shared cores; nothing here needs request fairness or the profiler.
      "--enable-priority-and-fairness=false", "--profiling=false",
    ], apiLog);
    procs.push(api);
    const server = `https://127.0.0.1:${apiPort}`;
    const caPem = readFileSync(join(dir, "ca.crt"), "utf8");
    const dispatcher = new Agent({ connect: { ca: caPem } });
    try {
      await poll("kube-apiserver /readyz", opts.readyTimeoutMs ?? 90_000, async () => {
        if (api.exitCode !== null) throw new Error("exited");
        const r = await request(`${server}/readyz`, { dispatcher, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
        return (await r.body.text()) === "ok";
      }, () => (api.exitCode !== null ? `kube-apiserver exited with code ${api.exitCode}\n` : "") + `last lines of ${apiLog}:\n` + tail(apiLog, 30));
    } finally {
      await dispatcher.close();
    }

    const kubeConfig = configFor(server, caPem, "impulse-admin", ADMIN_TOKEN);
    const kubeconfigPath = join(dir, "admin.kubeconfig");
    writeFileSync(kubeconfigPath, kubeConfig.exportConfig());
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const version = /^kube-(v\d+\.\d+\.\d+)/.exec(basename(binDir))?.[1];

    return {
      server,
      kubeConfig,
      kubeconfigPath,
      version,
      async newNamespace(prefix = "t") {
        const name = `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 50)}-${randomBytes(3).toString("hex")}`;
        await core.createNamespace({ body: { metadata: { name } } });
        return name;
      },
      async serviceAccount(namespace, name, rules) {
        await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
        await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
        await rbac.createNamespacedRoleBinding({
          namespace,
          body: { metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name }, subjects: [{ kind: "ServiceAccount", name, namespace }] },
        });
        const tr = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
        const token = tr.status?.token;
        if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
        const kc = configFor(server, caPem, `system:serviceaccount:${namespace}:${name}`, token);
        const path = join(dir, `${namespace}-${name}.kubeconfig`);
        writeFileSync(path, kc.exportConfig());
        // RBAC reads bindings through an informer: wait until the first granted verb is visible, so tests do not race it.
        const first = rules[0];
        if (first?.verbs[0] && first.resources?.[0]) {
          const authz = kc.makeApiClient(AuthorizationV1Api);
          const attrs = { namespace, verb: first.verbs[0], group: first.apiGroups?.[0] ?? "", resource: first.resources[0] };
          await poll(`RBAC for ${name}`, 10_000, async () => (await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } })).status?.allowed === true, () => "");
        }
        return { kubeConfig: kc, kubeconfigPath: path };
      },
      async compactEtcd() {
        // etcd's JSON gateway: the range answer's header carries the current revision.
        const range = await request(`${etcdUrl}/v3/kv/range`, { method: "POST", body: JSON.stringify({ key: Buffer.from("/").toString("base64") }) });
        const revision = ((await range.body.json()) as { header: { revision: string } }).header.revision;
        const res = await request(`${etcdUrl}/v3/kv/compaction`, { method: "POST", body: JSON.stringify({ revision, physical: true }) });
        if (res.statusCode !== 200) throw new Error(`etcd compaction failed: HTTP ${res.statusCode} ${await res.body.text()}`);
        await res.body.dump();
      },
      logTail: (lines = 30) => tail(apiLog, lines),
      stop: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
