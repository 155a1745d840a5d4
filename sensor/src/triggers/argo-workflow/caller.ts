// The sensor's identity as the argo CLI derives it from its kubeconfig (ClaimSetFor): the creator label and the "Resumed by" words.
import { readFileSync } from "node:fs";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Caller } from "./operations.js";

/** Argo's dnsFriendly: a valid label value (invalid characters to "-", the last 63, alphanumeric at both ends). */
export function dnsFriendly(s: string): string {
  let v = s.replace(/[^-_.a-zA-Z0-9]/g, "-");
  if (v.length > 63) v = v.slice(v.length - 63);
  return v.replace(/^[^a-zA-Z0-9]*/, "").replace(/[^a-zA-Z0-9]*$/, "");
}

/** The `sub` of a JWT bearer token, or undefined for other tokens (static tokens, none). */
export function jwtSubject(token: string | undefined): string | undefined {
  const parts = token?.trim().split(".");
  if (!parts || parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { sub?: unknown };
    return typeof claims.sub === "string" ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Basic-auth username, else the subject of a JWT bearer token (a service account's token in a pod), else nobody;
 * the CLI labels Workflows with the same subject.
 */
export function callerFrom(kc: KubeConfig): Caller {
  const user = kc.getCurrentUser();
  let subject = user?.username || undefined;
  if (!subject) {
    const file = (user?.authProvider?.config as { tokenFile?: string } | undefined)?.tokenFile;
    let token = user?.token;
    if (!token && file) {
      try {
        token = readFileSync(file, "utf8");
      } catch {
        token = undefined;
      }
    }
    subject = jwtSubject(token);
  }
  if (!subject) return { labels: {}, userInfo: undefined };
  return { labels: { "workflows.argoproj.io/creator": dnsFriendly(subject) }, userInfo: `map[User:${subject}]` };
}
