// Turns a git source's Secrets into files in a private directory and `-c` settings that point git and ssh at them.
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitSource } from "@impulse/api";
import type { SecretResolver } from "../../define.js";

/** Single-quotes a word for the shell git runs helpers and core.sshCommand with. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The origin git matches credential.<url>.helper against: scheme://host[:port] (no user, no path). */
export function credentialScope(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export interface GitAuth {
  config: string[];
  /** Removes the secret files; called when the git command ended. */
  dispose(): Promise<void>;
}

/**
 * Secrets never go on git's command line or into its environment: they are written to files (0600) in a fresh 0700
 * directory that lives only while one command runs, and the settings name the files.
 */
export async function gitAuth(
  source: GitSource,
  fetchUrl: string,
  scheme: "https" | "http" | "ssh",
  secrets: SecretResolver,
  parent: string,
  /** Basic auth that is not in Secrets (a GitHub App's installation token). */
  basic?: { username: string; password: string },
): Promise<GitAuth> {
  const dir = join(parent, `auth-${randomBytes(6).toString("hex")}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = async (name: string, text: string) => {
    const p = join(dir, name);
    await writeFile(p, text.endsWith("\n") ? text : `${text}\n`, { mode: 0o600 });
    return p;
  };
  // Only what the source names: the pod's own git config may add helpers, but no helper of the user's home is asked for ours.
  const config = ["protocol.allow=never", "protocol.https.allow=always", "protocol.http.allow=always", "protocol.ssh.allow=always", "credential.helper="];
  try {
    if (scheme !== "ssh") {
      if (source.caCertSecret) config.push(`http.sslCAInfo=${await file("ca.crt", await secrets(source.caCertSecret))}`);
      const creds =
        basic ?? (source.creds?.username && source.creds.password ? { username: await secrets(source.creds.username), password: await secrets(source.creds.password) } : undefined);
      if (creds) {
        const user = await file("username", creds.username);
        const pass = await file("password", creds.password);
        // Scoped to the repository's origin: a redirect to another host gets no credentials.
        const helper = `!f() { test "$1" = get || exit 0; printf 'username=%s\\npassword=%s\\n' "$(cat ${shellQuote(user)})" "$(cat ${shellQuote(pass)})"; }; f`;
        config.push(`credential.${credentialScope(fetchUrl)}.helper=${helper}`);
      }
    } else {
      const ssh = ["ssh", "-o", "BatchMode=yes", "-o", "IdentityAgent=none"];
      if (source.sshKeySecret) ssh.push("-i", shellQuote(await file("id", await secrets(source.sshKeySecret))), "-o", "IdentitiesOnly=yes");
      if (source.insecureIgnoreHostKey) ssh.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
      else {
        ssh.push("-o", "StrictHostKeyChecking=yes");
        if (source.knownHostsSecret) ssh.push("-o", `UserKnownHostsFile=${shellQuote(await file("known_hosts", await secrets(source.knownHostsSecret)))}`);
      }
      config.push(`core.sshCommand=${ssh.join(" ")}`);
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { config, dispose: () => rm(dir, { recursive: true, force: true }) };
}
