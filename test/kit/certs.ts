// A throwaway CA and a server certificate for 127.0.0.1/localhost (openssl), for TLS tests of broker sources.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ServerCerts {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEM texts, as Secrets would hold them. */
  ca: string;
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr || r.error?.message}`);
}

/** `san`: the server certificate's subjectAltName (default 127.0.0.1 and localhost). */
export function serverCerts(san = "IP:127.0.0.1,DNS:localhost"): ServerCerts {
  const dir = mkdtempSync(join(tmpdir(), "impulse-certs-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(["req", "-x509", ...ec, "-days", "2", "-subj", "/CN=impulse-test-ca", "-keyout", "ca.key", "-out", "ca.crt"], dir);
  openssl(["req", ...ec, "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"], dir);
  writeFileSync(join(dir, "san.ext"), `subjectAltName=${san}\n`);
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "server.crt", "-extfile", "san.ext"], dir);
  const f = (n: string) => join(dir, n);
  return { dir, caFile: f("ca.crt"), certFile: f("server.crt"), keyFile: f("server.key"), ca: readFileSync(f("ca.crt"), "utf8"), cert: readFileSync(f("server.crt"), "utf8"), key: readFileSync(f("server.key"), "utf8") };
}
