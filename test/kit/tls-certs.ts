// Throwaway TLS material for broker suites: a CA, a server certificate for 127.0.0.1/localhost and a client certificate.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCerts {
  dir: string;
  /** File paths (for a server's config) and PEM text (for a client's Secret). */
  files: { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
  pem: { ca: string; clientCert: string; clientKey: string };
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr || r.error?.message}`);
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "impulse-certs-"));
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=impulse-test-ca", "-keyout", "ca.key", "-out", "ca.crt"], dir);
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const [name, subject] of [["server", "/CN=localhost"], ["client", "/CN=impulse-client"]] as const) {
    openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", `${name}.key`, "-out", `${name}.csr`], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", `${name}.crt`, "-extfile", `${name}.ext`], dir);
  }
  const f = (n: string) => join(dir, n);
  const files = { ca: f("ca.crt"), serverCert: f("server.crt"), serverKey: f("server.key"), clientCert: f("client.crt"), clientKey: f("client.key") };
  return { dir, files, pem: { ca: readFileSync(files.ca, "utf8"), clientCert: readFileSync(files.clientCert, "utf8"), clientKey: readFileSync(files.clientKey, "utf8") } };
}
