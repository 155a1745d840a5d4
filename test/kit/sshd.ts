// A real SSH server for the git-over-ssh suites: Debian's sshd (tools/openssh/install.sh) as a child process on a free
// loopback port, with its own host key, authorized_keys and config. The system's sshd and /etc/ssh are never used.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { stopServersOnKill } from "./reaper.js";

const SERVER = "/usr/sbin/sshd";

export function sshdMissing(): string | undefined {
  return existsSync(SERVER) ? undefined : "sshd is not installed (bash tools/openssh/install.sh as root)";
}

export interface Sshd {
  port: number;
  /** The user clients log in as (the test's own: sshd started by a user can only log that user in). */
  user: string;
  /** known_hosts line for this server ([127.0.0.1]:port key). */
  knownHosts: string;
  /** A private key authorized_keys accepts (OpenSSH format), and one it does not. */
  clientKey: string;
  strangerKey: string;
  /** ssh:// URL of an absolute path on this machine. */
  url(path: string): string;
  log(): string;
  stop(): Promise<void>;
}

function keygen(dir: string, name: string): { priv: string; pub: string } {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(dir, name)]);
  return { priv: readFileSync(join(dir, name), "utf8"), pub: readFileSync(join(dir, `${name}.pub`), "utf8") };
}

export async function startSshd(): Promise<Sshd> {
  stopServersOnKill();
  const missing = sshdMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), "impulse-sshd-"));
  const host = keygen(dir, "host_ed25519");
  const client = keygen(dir, "client");
  const stranger = keygen(dir, "stranger");
  writeFileSync(join(dir, "authorized_keys"), client.pub, { mode: 0o600 });
  const port = await freePort();
  const user = userInfo().username;
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `ListenAddress 127.0.0.1:${port}`,
      `HostKey ${join(dir, "host_ed25519")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      // The temp dir is not owned the way StrictModes wants; nothing else logs in here.
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      `AllowUsers ${user}`,
      "LogLevel VERBOSE",
    ].join("\n") + "\n",
  );
  // Run as root, sshd needs its privilege separation directory (the packaged service creates it at start).
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  let out = "";
  const child: ChildProcess = spawn(SERVER, ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: ["ignore", "pipe", "pipe"] });
  const keep = (c: Buffer) => {
    out += c.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}:\n${out.slice(-4000)}`);
    const banner = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("data", (d) => (s.destroy(), resolve(d.toString().startsWith("SSH-"))));
      s.once("error", () => resolve(false));
    });
    if (banner) break;
    if (Date.now() > deadline) throw new Error(`sshd did not answer within 20 s:\n${out.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const [type, key] = host.pub.split(" ");
  return {
    port,
    user,
    knownHosts: `[127.0.0.1]:${port} ${type} ${key}\n`,
    clientKey: client.priv,
    strangerKey: stranger.priv,
    url: (path) => `ssh://${user}@127.0.0.1:${port}${path}`,
    log: () => out,
    stop: async () => {
      await stopProcess(child);
      process.removeListener("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
