// Argo's shared TLSConfig and SASLConfig (tls.go, sasl.go), used by Kafka sources and triggers and other brokers.
import { z } from "zod";
import { SecretKeySelector } from "./types.js";

export const TLSConfig = z
  .strictObject({
    caCertSecret: SecretKeySelector.optional().describe("CA certificate that signs the server's certificate (PEM)."),
    clientCertSecret: SecretKeySelector.optional().describe("Client certificate for mutual TLS (PEM, with clientKeySecret)."),
    clientKeySecret: SecretKeySelector.optional().describe("Client private key for mutual TLS (PEM, with clientCertSecret)."),
    insecureSkipVerify: z.boolean().optional().describe("Do not verify the server's certificate (testing only)."),
    enabled: z.boolean().optional().describe("Use TLS even when no certificate is given (system CAs)."),
  })
  .refine((t) => !t.clientCertSecret === !t.clientKeySecret, "clientCertSecret and clientKeySecret go together")
  .describe("TLS settings for the connection.");
export type TLSConfig = z.output<typeof TLSConfig>;

export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
const ARGO_ONLY_MECHANISMS = ["OAUTHBEARER", "GSSAPI"];

export const SASLConfig = z
  .strictObject({
    mechanism: z
      .string()
      .transform((m) => m.toUpperCase())
      .refine((m) => !ARGO_ONLY_MECHANISMS.includes(m), "OAUTHBEARER and GSSAPI are not supported yet; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
      .pipe(z.enum(SASL_MECHANISMS))
      .optional()
      .describe("PLAIN (default), SCRAM-SHA-256 or SCRAM-SHA-512."),
    userSecret: SecretKeySelector.optional().describe("User name."),
    passwordSecret: SecretKeySelector.optional().describe("Password."),
  })
  .refine((s) => s.userSecret && s.passwordSecret, "SASL needs userSecret and passwordSecret")
  .describe("SASL authentication.");
export type SASLConfig = z.output<typeof SASLConfig>;

/** Resolved connection security, shaped as Node's TLS options and a Kafka client's SASL options. */
export interface ResolvedSecurity {
  ssl?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean } | true;
  sasl?: { [M in "plain" | "scram-sha-256" | "scram-sha-512"]: { mechanism: M; username: string; password: string } }["plain" | "scram-sha-256" | "scram-sha-512"];
}

/** Reads the secrets a TLS/SASL config names; the resolver does the I/O (mounted files, env, a directory). */
export async function resolveSecurity(
  tls: TLSConfig | undefined,
  sasl: SASLConfig | undefined,
  secret: (ref: SecretKeySelector) => Promise<string>,
): Promise<ResolvedSecurity> {
  const out: ResolvedSecurity = {};
  if (tls) {
    const ssl = {
      rejectUnauthorized: !tls.insecureSkipVerify,
      ...(tls.caCertSecret ? { ca: await secret(tls.caCertSecret) } : {}),
      ...(tls.clientCertSecret ? { cert: await secret(tls.clientCertSecret) } : {}),
      ...(tls.clientKeySecret ? { key: await secret(tls.clientKeySecret) } : {}),
    };
    out.ssl = Object.keys(ssl).length === 1 && ssl.rejectUnauthorized ? true : ssl;
  }
  if (sasl) {
    out.sasl = {
      mechanism: (sasl.mechanism ?? "PLAIN").toLowerCase() as "plain",
      username: (await secret(sasl.userSecret!)).trim(),
      password: (await secret(sasl.passwordSecret!)).trim(),
    };
  }
  return out;
}
