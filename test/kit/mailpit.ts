// Starts a real SMTP server (Mailpit, from tools/mailpit/install.sh) on free loopback ports, with its HTTP API to read what it received.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { request } from "undici";
import { serverCerts } from "./certs.js";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

export const MAILPIT_VERSION = "v1.33.1";

export function mailpitBinary(): string {
  return join(process.env["IMPULSE_INFRA_CACHE"] ?? join(homedir(), ".cache", "impulse-infra"), `mailpit-${MAILPIT_VERSION}`, "bin", "mailpit");
}

/** A message as Mailpit's API shows it (GET /api/v1/message/{id}), with its headers. */
export interface ReceivedMail {
  ID: string;
  MessageID: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  Subject: string;
  Text: string;
  Username: string;
  headers: Record<string, string[]>;
}

export interface Mailpit {
  host: string;
  smtpPort: number;
  /** PEM of the CA that signed the server's certificate (for a caCertSecret). */
  caPem: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<ReceivedMail[]>;
  /** Makes the server answer RCPT TO with `code` (e.g. 451, 550) for every message until cleared (0). */
  failRecipients(code: number): Promise<void>;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * `tls`: "starttls" offers STARTTLS and refuses mail without it; "implicit" speaks TLS from the first byte; "none" is plain.
 * `users`: accepted logins (AUTH PLAIN/LOGIN); none means any sender is accepted without AUTH.
 */
export async function startMailpit(o: { tls: "starttls" | "implicit" | "none"; users?: Record<string, string> }): Promise<Mailpit> {
  stopServersOnKill();
  const binary = process.env["MAILPIT_BIN"] ?? mailpitBinary();
  if (!existsSync(binary)) throw new Error(`mailpit not found at ${binary}: run \`bash tools/mailpit/install.sh\` (npm test does this)`);
  const dir = mkdtempSync(join(tmpdir(), "impulse-mailpit-"));
  const cert = serverCerts();
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const args = [
    "--smtp", `127.0.0.1:${smtpPort}`,
    "--listen", `127.0.0.1:${httpPort}`,
    "--database", join(dir, "mailpit.db"),
    "--disable-version-check",
    "--smtp-disable-rdns",
    "--enable-chaos",
    "--quiet",
  ];
  if (o.tls !== "none") args.push("--smtp-tls-cert", cert.certFile, "--smtp-tls-key", cert.keyFile);
  if (o.tls === "starttls") args.push("--smtp-require-starttls");
  if (o.tls === "implicit") args.push("--smtp-require-tls");
  if (o.users) {
    writeFileSync(join(dir, "users"), Object.entries(o.users).map(([u, p]) => `${u}:${p}\n`).join(""));
    args.push("--smtp-auth-file", join(dir, "users"));
    if (o.tls === "none") args.push("--smtp-auth-allow-insecure");
  }
  const server = spawnServer(binary, args);
  const proc = server.proc;
  const api = `http://127.0.0.1:${httpPort}/api/v1`;
  const stop = async () => {
    await stopProcess(proc);
    rmSync(dir, { recursive: true, force: true });
    rmSync(cert.dir, { recursive: true, force: true });
  };
  try {
    // Generous: several suites start servers at once on a loaded 2-core machine.
    await untilReady("mailpit", server, async () => {
      const r = await request(`${api}/info`);
      await r.body.dump();
      return r.statusCode === 200;
    }, { timeoutMs: 60_000 });
  } catch (e) {
    await stop();
    throw e;
  }
  const getJson = async <T>(path: string): Promise<T> => {
    const r = await request(`${api}${path}`);
    if (r.statusCode !== 200) throw new Error(`mailpit GET ${path}: ${r.statusCode} ${await r.body.text()}`);
    return (await r.body.json()) as T;
  };
  return {
    host: "127.0.0.1",
    smtpPort,
    caPem: cert.ca,
    messages: async () => {
      const list = await getJson<{ messages: { ID: string }[] }>("/messages?limit=500");
      // The list is newest first.
      const ids = list.messages.map((m) => m.ID).reverse();
      return Promise.all(ids.map(async (id) => ({ ...(await getJson<Omit<ReceivedMail, "headers">>(`/message/${id}`)), headers: await getJson<Record<string, string[]>>(`/message/${id}/headers`) })));
    },
    failRecipients: async (code) => {
      const r = await request(`${api}/chaos`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ Recipient: { ErrorCode: code || 451, Probability: code ? 100 : 0 } }),
      });
      if (r.statusCode !== 200) throw new Error(`mailpit chaos: ${r.statusCode} ${await r.body.text()}`);
      await r.body.dump();
    },
    get pid() {
      return proc.pid;
    },
    stop,
  };
}
