// `impulse dev` on the quickstart example (what `npm start` runs): the printed curl produces a logged event.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { freePort } from "@impulse/bus";
import { request } from "undici";
import { spawn } from "node:child_process";
import { cliMain, repoRoot, runCli, spawnCli, type CliProcess } from "../../kit/cli.js";
import { childPids, processAlive, processName } from "../../kit/procs.js";
import { sleep, waitFor } from "../../kit/wait.js";

const quickstart = join(repoRoot, "manifests/examples/quickstart");

/** The quickstart on a free port (the example's 12000 may be taken on a shared machine), as `npm start -- --webhook-port` runs it. */
async function startQuickstart(extra: string[] = []): Promise<{ p: CliProcess; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), "impulse-quickstart-"));
  const port = await freePort();
  const p = spawnCli(["dev", "-f", quickstart, "--data-dir", join(dir, "nats"), "--metrics-port", "0", "--webhook-port", String(port), ...extra]);
  const curl = await waitFor("printed curl command", () => {
    if (p.proc.exitCode !== null) throw new Error("impulse dev exited:\n" + p.output());
    return p.output().match(/curl -X POST -H 'Content-Type: application\/json' -d '(.*)' (http:\/\/localhost:\d+\/example)/) ?? false;
  }, 30_000);
  assert.equal(curl[2], `http://localhost:${port}/example`);
  return { p, url: curl[2]!.replace("localhost", "127.0.0.1") };
}

async function post(url: string, body: string): Promise<void> {
  const res = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal(res.statusCode, 200);
  await res.body.dump();
}

it("runs the quickstart: the printed curl command's message shows up in the log trigger output as a CloudEvent that `impulse sensor test` accepts, and Ctrl-C stops cleanly", async () => {
  const { p, url } = await startQuickstart();
  try {
    await post(url, '{"message":"hello from the test"}');
    const line = await waitFor("log trigger line", () => p.output().split("\n").find((l) => l.includes("log trigger fired") && l.includes("hello from the test")));
    const logged = JSON.parse(line) as { events: { payload: { specversion: string; data: { body: { message: string } } } }; eventId: string };
    assert.equal(logged.events.payload.data.body.message, "hello from the test");
    assert.match(logged.eventId, /^[0-9a-f]{32}$/);

    // What Impulse prints as an event is a CloudEvent its own tools take as it is.
    const eventFile = join(mkdtempSync(join(tmpdir(), "impulse-logged-event-")), "event.json");
    writeFileSync(eventFile, JSON.stringify(logged.events.payload));
    const test = runCli(["sensor", "test", join(quickstart, "sensor.yaml"), "--event", eventFile]);
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /dependency payload: matched/);
    assert.match(test.stdout, /trigger log-event: FIRES/);
  } finally {
    const code = await p.stop("SIGINT");
    assert.equal(code, 0, p.output().slice(-2000));
  }
});

it("logs every decision at the default level: received, each dependency matched or not with the reason, each firing with result and duration (JSON lines off a terminal)", async () => {
  const { p, url } = await startQuickstart();
  try {
    await post(url, '{"message":"fires"}');
    await post(url, '{"other":"filtered"}');
    const lines = () => p.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitFor("the firing", () => p.output().includes("trigger log-event fired"));
    const rejected = await waitFor("the filtered event's verdict", () => lines().find((l) => String(l["msg"]).startsWith("dependency payload not matched")));
    assert.equal(rejected["level"], 30);
    assert.equal(rejected["reason"], "data path body.message not found");
    const received = lines().filter((l) => l["msg"] === "event received");
    assert.equal(received.length, 2);
    assert.deepEqual([received[0]!["source"], received[0]!["subject"], received[0]!["level"]], ["webhook", "example", 30]);
    const fired = lines().find((l) => l["msg"] !== undefined && String(l["msg"]).startsWith("trigger log-event fired"))!;
    assert.equal(fired["result"], "logged");
    assert.equal(typeof fired["durationMs"], "number");
    assert.ok(lines().some((l) => l["msg"] === "dependency payload matched" && l["level"] === 30));
  } finally {
    assert.equal(await p.stop("SIGTERM"), 0, p.output().slice(-2000));
  }
});

it("--log-format pretty prints one readable line per decision, without colour codes off a terminal", async () => {
  const { p, url } = await startQuickstart(["--log-format", "pretty"]);
  try {
    await post(url, '{"message":"fires"}');
    await post(url, '{"other":"filtered"}');
    // The second event's verdict may be logged before the first event's firing ends: wait for both.
    await waitFor("the firing and the filtered event's verdict", () => p.output().includes("trigger log-event fired") && p.output().includes("dependency payload not matched"));
    const out = p.output();
    assert.match(out, /INFO: eventsource webhook: event received \{"eventName":"example","eventId":"[0-9a-f]{32}","source":"webhook","subject":"example"\}/);
    assert.match(out, /INFO: sensor webhook\/log-event: dependency payload matched/);
    assert.match(out, /INFO: sensor webhook\/log-event: trigger log-event fired: logged in [\d.]+ ms/);
    assert.match(out, /INFO: sensor webhook\/log-event: dependency payload not matched: data path body\.message not found/);
    assert.ok(!out.includes("\u001b["), "no ANSI colour codes when stdout is not a terminal");
    assert.ok(!out.split("\n").some((l) => l.startsWith('{"level"')), "no JSON lines");
  } finally {
    assert.equal(await p.stop("SIGINT"), 0, p.output().slice(-2000));
  }
});

/** A process's arguments, joined by spaces ("" once it is gone). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  return childPids(pid).flatMap((c) => [c, ...descendants(c)]);
}

it("in a terminal, `impulse dev` prints coloured pretty lines by default", async () => {
  const port = await freePort();
  const dataDir = join(mkdtempSync(join(tmpdir(), "impulse-tty-")), "nats");
  const cmd = [process.execPath, cliMain, "dev", "-f", quickstart, "--data-dir", dataDir, "--metrics-port", "0", "--webhook-port", String(port)].map((a) => `'${a}'`).join(" ");
  // util-linux script(1) gives the command a pseudo-terminal, as a person's shell would. It runs the command with
  // `$SHELL -c`: pinned to dash, which (unlike bash) stays in between, so the test behaves the same whatever SHELL
  // the caller has (CI has none; a SIGINT meant for impulse dev once went to that shell and the test hung).
  const term = spawn("script", ["-qefc", cmd, "/dev/null"], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, SHELL: "/bin/sh" } });
  let out = "";
  term.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => term.once("exit", (code) => r(code)));
  // The process whose program is node and whose script is the CLI (the shell's command line names both too). Not by
  // its name: the main thread is "node" on Node 20 but "MainThread" on Node 24.
  const dev = () => descendants(term.pid!).find((c) => { const argv = commandLine(c).split(" "); return argv[0] === process.execPath && argv[1] === cliMain; });
  try {
    await waitFor("the banner", () => out.includes("Press Ctrl-C to stop."), 30_000);
    await post(`http://127.0.0.1:${port}/example`, '{"message":"coloured"}');
    await waitFor("the firing", () => out.includes("trigger log-event fired"));
    const line = out.split("\n").find((l) => l.includes("dependency payload matched"))!;
    assert.match(line, /\u001b\[\d+m/, "ANSI colours on a terminal: " + JSON.stringify(line));
    assert.ok(!line.includes('{"level"'), line);
  } finally {
    const pid = dev();
    const below = descendants(term.pid!);
    if (pid) process.kill(pid, "SIGINT");
    else term.kill("SIGKILL");
    // Bounded: impulse dev's own forced exit is at 20 s; past that, kill everything rather than hang the suite.
    const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!stopped) for (const p of [term.pid!, ...below]) if (processAlive(p)) process.kill(p, "SIGKILL");
    assert.ok(stopped, `impulse dev did not stop within 30 s of SIGINT (pid ${pid}):\n${out.slice(-2000)}`);
    // Nothing `impulse dev` started may outlive it (a CI run once found this test's nats-server still running).
    const left = below.filter((p) => p !== pid && processAlive(p));
    for (const p of left) process.kill(p, "SIGKILL");
    assert.deepEqual(left.map(processName), [], "processes left running after impulse dev stopped");
  }
});
