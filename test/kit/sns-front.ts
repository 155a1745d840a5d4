// A front for moto_server in the sns suite: forwards every request to moto, making moto's SNS answer unsigned GETs.
//
// Why it exists (moto 5.2.5, server mode): moto does not route by Host header; an unsigned request is routed by its
// body or a `/<service>_<region>/` path prefix, so GET /SimpleNotificationService-<id>.pem (moto's signing
// certificate, named https://sns.<region>.amazonaws.com/... in the messages it signs) and GET /?Action=ConfirmSubscription
// land on moto's S3 (404 NoSuchBucket / a bucket list). The front adds an Authorization header whose credential scope
// says "sns" to such GETs (moto routes on the scope and does not check the signature). moto also never sends a
// SubscriptionConfirmation (it confirms HTTP subscriptions itself), so the front signs one as SNS documents, with its
// own throwaway key (SignatureVersion 1 or 2) whose certificate it serves at CERT_PATH.
import { spawnSync } from "node:child_process";
import { randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MotoServer } from "./moto.js";

export const FRONT_CERT_PATH = "/SimpleNotificationService-impulse-test.pem";
const HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "expect", "keep-alive"]);
const SNS_SCOPE = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0";

export interface SnsFront {
  /** http://127.0.0.1:port: the sns source's `endpoint`. */
  endpoint: string;
  /** Query strings of the ConfirmSubscription GETs the front passed to moto. */
  confirmations: URLSearchParams[];
  /** A SubscriptionConfirmation for the topic, signed as SNS signs (fields, order, base64 RSA signature). */
  confirmation(topicArn: string, version: "1" | "2"): Record<string, string>;
  close(): Promise<void>;
}

function throwawayCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "impulse-sns-"));
  try {
    const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sns.amazonaws.com", "-keyout", "k.pem", "-out", "c.pem"], { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    return { key: readFileSync(join(dir, "k.pem"), "utf8"), cert: readFileSync(join(dir, "c.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startSnsFront(moto: MotoServer): Promise<SnsFront> {
  const { key, cert } = throwawayCert();
  const confirmations: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://front");
      if (url.pathname === FRONT_CERT_PATH) return void res.writeHead(200, { "Content-Type": "application/x-pem-file" }).end(cert);
      if (url.searchParams.get("Action") === "ConfirmSubscription") confirmations.push(url.searchParams);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !HOP.has(k)) headers[k] = v;
      if (!headers["authorization"]) headers["authorization"] = SNS_SCOPE;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(`${moto.endpoint}${req.url ?? "/"}`, { method: req.method ?? "GET", headers, ...(body ? { body } : {}), redirect: "manual" })
        .then(async (r) => {
          const out = Buffer.from(await r.arrayBuffer());
          res.writeHead(r.status, { "Content-Type": r.headers.get("content-type") ?? "text/xml" }).end(out);
        })
        .catch((e: Error) => res.writeHead(502).end(e.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    confirmations,
    confirmation(topicArn, version) {
      const token = randomUUID().replaceAll("-", "");
      const m: Record<string, string> = {
        Type: "SubscriptionConfirmation",
        MessageId: randomUUID(),
        Token: token,
        TopicArn: topicArn,
        Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
        SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`,
        Timestamp: new Date().toISOString(),
        SignatureVersion: version,
        SigningCertURL: `https://sns.us-east-1.amazonaws.com${FRONT_CERT_PATH}`,
      };
      const signed = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"].map((k) => `${k}\n${m[k]}\n`).join("");
      m["Signature"] = sign(version === "1" ? "sha1" : "sha256", Buffer.from(signed), key).toString("base64");
      return m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
