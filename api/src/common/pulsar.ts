// Apache Pulsar settings shared by the pulsar EventSource and trigger (Argo's field names) and where Impulse reaches the broker.
import { z } from "zod";
import { TLSConfig } from "./security.js";
import { Backoff, SecretKeySelector } from "./types.js";

/** Argo's connection fields, plus `webServiceURL`: Impulse speaks Pulsar's WebSocket API, served on the web service port. */
export const pulsarConnectionFields = {
  url: z
    .string()
    .regex(/^(pulsar|pulsar\+ssl|http|https):\/\/[^\s/]+\/?$/, "must be pulsar://host:port or pulsar+ssl://host:port (or the web service's http(s)://host:port)")
    .describe("Pulsar service URL (pulsar://host:6650, pulsar+ssl://host:6651) or the broker's web service URL (http(s)://host:port)."),
  webServiceURL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+\/?$/, "must be http://host:port or https://host:port")
    .optional()
    .describe("Impulse: the broker's web service URL, where its WebSocket API is served (default: the url's host on port 8080, or 8443 for pulsar+ssl)."),
  tlsTrustCertsSecret: SecretKeySelector.optional().describe("Secret key holding the CA certificate(s) the broker's certificate is checked against."),
  tlsAllowInsecureConnection: z.boolean().optional().describe("Accept any broker certificate (testing only)."),
  tlsValidateHostname: z.boolean().optional().describe("Also check the broker's host name against its certificate (off by default, as in Argo)."),
  tls: TLSConfig.optional().describe("Client certificate and key (clientCertSecret, clientKeySecret) for TLS authentication."),
  authTokenSecret: SecretKeySelector.optional().describe("Secret key holding a JWT, sent as a Bearer token."),
  connectionBackoff: Backoff.optional().describe("Reconnect delays (default 1 s doubling, capped at 30 s); past steps Impulse keeps retrying at the last delay."),
  authAthenzParams: z.record(z.string(), z.string()).optional().describe("Athenz authentication: not supported yet."),
  authAthenzSecret: SecretKeySelector.optional().describe("Athenz private key: not supported yet."),
};

/** Refuses what Impulse cannot do over the WebSocket API, naming the field. */
export function refusePulsarUnsupported(v: { authAthenzParams?: unknown; authAthenzSecret?: unknown }, ctx: z.RefinementCtx): void {
  for (const f of ["authAthenzParams", "authAthenzSecret"] as const)
    if (v[f] !== undefined) ctx.addIssue({ code: "custom", path: [f], message: "Athenz authentication is not supported yet (use authTokenSecret or tls)" });
}

/** The base of the broker's WebSocket API (ws(s)://host:port/ws/v2) for a url and an optional webServiceURL. */
export function pulsarWebSocketBase(url: string, webServiceURL?: string): string {
  const web = new URL(webServiceURL ?? url);
  if (web.protocol === "pulsar:" || web.protocol === "pulsar+ssl:") {
    const secure = web.protocol === "pulsar+ssl:";
    return `${secure ? "wss" : "ws"}://${web.hostname.includes(":") ? `[${web.hostname}]` : web.hostname}:${secure ? 8443 : 8080}/ws/v2`;
  }
  return `${web.protocol === "https:" ? "wss" : "ws"}://${web.host}/ws/v2`;
}

/**
 * A topic as the WebSocket API's path names it: persistent://tenant/ns/topic → persistent/tenant/ns/topic, and a short
 * name (as Argo's examples use) in public/default, as Pulsar's clients resolve it.
 */
export function pulsarTopicPath(topic: string): string {
  const m = /^(persistent|non-persistent):\/\/([^/]+)\/([^/]+)\/(.+)$/.exec(topic);
  if (m) return `${m[1]}/${m[2]}/${m[3]}/${encodeURIComponent(m[4]!)}`;
  return `persistent/public/default/${encodeURIComponent(topic)}`;
}

export const pulsarTopic = z
  .string()
  .min(1)
  .refine((t) => /^(persistent|non-persistent):\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(t) || /^[^/:\s]+$/.test(t), "must be a short topic name or persistent://tenant/namespace/topic");

/** Connection options of Argo's TLS and token fields, for a WebSocket client (ws's ClientOptions shape). */
export interface PulsarClientOptions {
  headers?: Record<string, string>;
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  checkServerIdentity?: () => undefined;
}

type PulsarSecurityFields = {
  authTokenSecret?: SecretKeySelector | undefined;
  tlsTrustCertsSecret?: SecretKeySelector | undefined;
  tlsAllowInsecureConnection?: boolean | undefined;
  tlsValidateHostname?: boolean | undefined;
  tls?: TLSConfig | undefined;
};

export async function resolvePulsarClientOptions(cfg: PulsarSecurityFields, secret: (ref: SecretKeySelector) => Promise<string>): Promise<PulsarClientOptions> {
  const opts: PulsarClientOptions = {};
  if (cfg.authTokenSecret) opts.headers = { Authorization: `Bearer ${(await secret(cfg.authTokenSecret)).trim()}` };
  const ca = cfg.tlsTrustCertsSecret ?? cfg.tls?.caCertSecret;
  if (ca) opts.ca = await secret(ca);
  if (cfg.tls?.clientCertSecret) opts.cert = await secret(cfg.tls.clientCertSecret);
  if (cfg.tls?.clientKeySecret) opts.key = await secret(cfg.tls.clientKeySecret);
  if (cfg.tlsAllowInsecureConnection || cfg.tls?.insecureSkipVerify) opts.rejectUnauthorized = false;
  // Argo's default: the chain is verified but not the host name, unless tlsValidateHostname.
  else if (!cfg.tlsValidateHostname) opts.checkServerIdentity = () => undefined;
  return opts;
}
