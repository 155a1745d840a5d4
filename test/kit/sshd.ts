// A real SSH server for the git-over-ssh suites: Debian's sshd (tools/openssh/install.sh) as a child process on a free
// loopback port, with its own host key, authorized_keys and config. The system's sshd and /etc/ssh are never used.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

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
  const server = spawnServer(SERVER, ["-D", "-e", "-f", join(dir, "sshd_config")]);
  const child = server.proc;
  // Ready when it sends its identification line.
  await untilReady("sshd", server, () => new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("data", (d) => (s.destroy(), resolve(d.toString().startsWith("SSH-"))));
    s.once("error", () => resolve(false));
  }), { timeoutMs: 20_000 });
  const [type, key] = host.pub.split(" ");
  return {
    port,
    user,
    knownHosts: `[127.0.0.1]:${port} ${type} ${key}\n`,
    clientKey: client.priv,
    strangerKey: stranger.priv,
    url: (path) => `ssh://${user}@127.0.0.1:${port}${path}`,
    log: () => server.output(),
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
