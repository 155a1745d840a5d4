// The image for real, without a Docker engine: buildah builds the Dockerfile unchanged on a stand-in for node:24-slim, then its CLI runs the quickstart and the controller.
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { baseRootfsFile, buildahUnavailable, builtImage, imageConfig, type BuiltImage } from "../../kit/buildah.js";
import { repoRoot, runCli } from "../../kit/cli.js";
import { workingContainer, type ContainerProcess, type WorkingContainer } from "../../kit/container.js";
import { installCrds, kubeJson } from "../../kit/crds.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { create, installDir, keyOf, kustomize, type Manifest } from "../../kit/manifests.js";
import { startNats } from "../../kit/nats.js";
import { serviceAccountKubeconfig } from "../../kit/rbac.js";
import { waitFor } from "../../kit/wait.js";

const skip = buildahUnavailable();
if (skip) console.error(`[impulse] image suite skipped: ${skip}`);
const MiB = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const started: ContainerProcess[] = [];

async function healthy(p: ContainerProcess, port: number, path: string): Promise<void> {
  await waitFor(`${path} on ${port}`, async () => {
    if (p.proc.exitCode !== null) throw new Error(`exited (${p.proc.exitCode}):\n${p.output()}`);
    const r = await request(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
    await r?.body.dump();
    return r?.statusCode === 200;
  }, 60_000);
}

describe("the image (buildah, stand-in base)", { skip }, () => {
  let image: BuiltImage;
  let ctr: WorkingContainer;

  before(() => {
    image = builtImage();
    ctr = workingContainer(image.ref);
  });
  after(async () => {
    for (const p of started) await p.stop();
    ctr?.remove();
  });

  it("builds from the Dockerfile unchanged; the machine's CA and npmrc were lent to the build, not left in it", async () => {
    // tools/image/build.mjs built it before the suites (npm test), tagged by the hash of its inputs: it is this tree's.
    console.error(`[impulse] image ${image.ref} on ${image.base}` + (image.buildSeconds === undefined ? "" : `, built in ${image.buildSeconds} s`));
    const config = imageConfig(image.ref);
    assert.equal(config.Labels?.["org.opencontainers.image.title"], "impulse");
    // The bundle in the image is Debian's, as the base has it, not the host's with the proxy's CA; no npmrc was written.
    const bundle = "etc/ssl/certs/ca-certificates.crt";
    assert.ok(readFileSync(join(ctr.rootfs, bundle)).equals(baseRootfsFile(bundle)), "the image's CA bundle is the base's");
    assert.deepEqual(readdirSync(join(ctr.rootfs, "usr/local/etc")), [], "nothing in /usr/local/etc (npm's global npmrc)");
    assert.equal(existsSync(join(ctr.rootfs, "tmp/.npmrc")) || existsSync(join(ctr.rootfs, "root/.npmrc")), false, "no user npmrc");
  });

  it("runs as uid 1000 without npm, npx or corepack, and enters the impulse CLI", async () => {
    const config = imageConfig(image.ref);
    assert.equal(config.User, "1000:1000");
    assert.deepEqual(config.Entrypoint, ["node", "--enable-source-maps", "/app/cli/dist/main.js"]);
    assert.ok(config.Env?.includes("HOME=/tmp") && config.Env.includes("NODE_ENV=production"), String(config.Env));
    const probe = await ctr.exec(["node", "-e", `
      const { execSync } = require("child_process");
      const which = (c) => { try { return execSync("command -v " + c, { shell: "/bin/sh" }).toString().trim() } catch { return null } };
      console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), tools: ["npm", "npx", "corepack", "yarn"].map(which).filter(Boolean),
        dirs: require("fs").readdirSync("/usr/local/lib/node_modules"), git: ["git", "ssh"].map(which) }));`]);
    assert.equal(probe.status, 0, probe.output);
    // git and ssh are there for the triggers' git sources.
    assert.deepEqual(JSON.parse(probe.output.trim().split("\n").pop()!), { uid: 1000, gid: 1000, tools: [], dirs: [], git: ["/usr/bin/git", "/usr/bin/ssh"] });

    // The entrypoint is the CLI: `--version` prints what the host's build of the same sources prints.
    const host = runCli(["--version"]);
    assert.equal(host.status, 0, host.stderr);
    const run = ctr.run(["--version"]);
    started.push(run);
    assert.equal(await run.exited, 0, run.output());
    assert.equal(run.output().trim(), host.stdout.trim());
    // Its CMD, with no arguments: the help.
    const help = ctr.run([...(imageConfig(image.ref).Cmd ?? [])]);
    started.push(help);
    assert.equal(await help.exited, 0, help.output());
    assert.match(help.output(), /Usage: impulse \[options\] \[command\][\s\S]*controller/);

    const du = ctr.du();
    const total = du.get("/")!;
    const parts = ["/usr/local/bin/node", "/app/node_modules", "/app", "/usr/lib", "/usr/share", "/var"].map((p) => `${p} ${MiB(du.get(p) ?? 0)}`);
    const deps = [...du].filter(([p]) => /^\/app\/node_modules\/(@[^/]+\/)?[^@/][^/]*$/.test(p)).sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.error(`[impulse] image size ${MiB(total)}: ${parts.join(", ")}`);
    console.error(`[impulse] biggest dependencies: ${deps.map(([p, kib]) => `${p.replace("/app/node_modules/", "")} ${MiB(kib)}`).join(", ")}`);
    assert.ok((du.get("/app/node_modules") ?? 0) > 0, "the image has production node_modules");
  });

  describe("the quickstart from the image, root filesystem read-only except /tmp", () => {
    let nats: NatsServer;
    before(async () => {
      nats = await startNats();
    });
    after(async () => {
      await nats?.stop();
    });

    it("enforces what a pod's securityContext does: only /tmp (and /dev/shm) writable", async () => {
      const places = ["/tmp", "/app", "/app/cli/dist", "/home/node", "/etc", "/usr/local/lib", "/var/tmp", "/run/lock", "/"];
      const r = await ctr.exec(["node", "-e", `
        const fs = require("fs");
        console.log(JSON.stringify(${JSON.stringify(places)}.filter((d) => { try { fs.writeFileSync(d + "/.w", ""); return true } catch { return false } })));`]);
      assert.equal(r.status, 0, r.output);
      assert.deepEqual(JSON.parse(r.output.trim().split("\n").pop()!), ["/tmp"]);
    });

    it("a POST to the EventSource reaches the Sensor's log trigger", async () => {
      const dir = mkdtempSync(join(tmpdir(), "impulse-image-quickstart-"));
      // Readable by the image's uid 1000, as a ConfigMap volume is.
      chmodSync(dir, 0o755);
      try {
        const [webhook, esMetrics, sensorMetrics] = [await freePort(), await freePort(), await freePort()];
        const example = join(repoRoot, "manifests", "examples", "quickstart");
        const es = readFileSync(join(example, "eventsource.yaml"), "utf8").replace('port: "12000"', `port: "${webhook}"`);
        assert.match(es, new RegExp(`port: "${webhook}"`));
        writeFileSync(join(dir, "eventsource.yaml"), es);
        writeFileSync(join(dir, "sensor.yaml"), readFileSync(join(example, "sensor.yaml"), "utf8"));
        // The specs arrive as a read-only volume, as the controller's ConfigMap would.
        const common = ["--nats-url", nats.url, "--namespace", "image-quickstart"];
        const mounts = { "/etc/impulse": dir };
        const sensor = ctr.run(["sensor", "-f", "/etc/impulse/sensor.yaml", "--metrics-port", String(sensorMetrics), ...common], { mounts });
        started.push(sensor);
        const source = ctr.run(["eventsource", "-f", "/etc/impulse/eventsource.yaml", "--metrics-port", String(esMetrics), ...common], { mounts });
        started.push(source);
        await healthy(sensor, sensorMetrics, "/health");
        await healthy(source, esMetrics, "/health");

        const r = await request(`http://127.0.0.1:${webhook}/example`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "hello from the image" }) });
        assert.equal(r.statusCode, 200, await r.body.text());
        const line = await waitFor("the log trigger's line", () => sensor.output().split("\n").find((l) => l.includes("log trigger fired")), 30_000);
        assert.match(line, /hello from the image/);
        assert.equal(await source.stop(), 0, source.output());
        assert.equal(await sensor.stop(), 0, sensor.output());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the controller from the image, against a real apiserver", () => {
    let kube: Kube;
    const kubeDir = mkdtempSync(join(tmpdir(), "impulse-image-kube-"));
    before(async () => {
      kube = await startKube();
    });
    after(async () => {
      await kube?.stop();
      rmSync(kubeDir, { recursive: true, force: true });
    });

    it("as the install's ServiceAccount, it reconciles an EventSource into a Deployment", async () => {
      const NS = "impulse-system";
      await installCrds(kube);
      const install = kustomize(installDir);
      for (const m of install.filter((m: Manifest) => /^(Namespace|ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding)$/.test(m.kind)))
        assert.deepEqual(await create(kube, m, { dryRun: false }), { status: 201 }, keyOf(m));
      // Readable by the image's uid 1000, as a projected ServiceAccount token is (0644).
      chmodSync(kubeDir, 0o755);
      copyFileSync(await serviceAccountKubeconfig(kube, NS, "impulse-controller"), join(kubeDir, "kubeconfig"));
      chmodSync(join(kubeDir, "kubeconfig"), 0o644);
      const port = await freePort();
      // The image the controller puts into the pods it creates: this one.
      const controller = ctr.run(["controller", "--kubeconfig", "/etc/impulse-kube/kubeconfig", `--metrics-port=${port}`, "--leader-elect", `--image=${image.ref}`], {
        env: { POD_NAMESPACE: NS, POD_NAME: "impulse-controller-0" },
        mounts: { "/etc/impulse-kube": kubeDir },
      });
      started.push(controller);
      await healthy(controller, port, "/readyz");

      const ns = await kube.newNamespace("image-e2e");
      const crs = `/apis/impulse.dev/v1alpha1/namespaces/${ns}`;
      assert.equal((await kubeJson(kube, "POST", `${crs}/eventbuses`, { apiVersion: "impulse.dev/v1alpha1", kind: "EventBus", metadata: { name: "default" }, spec: { jetstream: {} } })).status, 201);
      const es = parse(readFileSync(join(repoRoot, "manifests", "examples", "quickstart", "eventsource.yaml"), "utf8"));
      assert.equal((await kubeJson(kube, "POST", `${crs}/eventsources`, es)).status, 201);
      const deployment = await waitFor("the EventSource's Deployment", async () => {
        const items = ((await kubeJson(kube, "GET", `/apis/apps/v1/namespaces/${ns}/deployments`)).json?.items ?? []) as Manifest[];
        return items.find((d) => d.metadata.ownerReferences && JSON.stringify(d.metadata.ownerReferences).includes('"EventSource"'));
      }, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}\ncontroller output:\n${controller.output().slice(-4000)}`);
      });
      const containers = (deployment as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers;
      assert.equal(containers[0]?.image, image.ref);
      assert.doesNotMatch(controller.output(), /forbidden|\b403\b/i, "no request was refused");
      assert.equal(await controller.stop(), 0, controller.output());
    });
  });
});
